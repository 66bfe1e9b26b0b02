"""The project the soak serves: notes (draft & publish) with tags (many-to-many), all public, one webhook."""

from __future__ import annotations

import json
from pathlib import Path

NOTE = {
    "kind": "collectionType", "collectionName": "notes",
    "info": {"singularName": "note", "pluralName": "notes", "displayName": "Note"},
    "options": {"draftAndPublish": True},
    "attributes": {
        "title": {"type": "string", "required": True, "unique": True},
        "body": {"type": "text"},
        "views": {"type": "integer", "default": 0},
        "tags": {"type": "relation", "relation": "manyToMany", "target": "api::tag.tag", "inversedBy": "notes"},
    },
}
TAG = {
    "kind": "collectionType", "collectionName": "tags",
    "info": {"singularName": "tag", "pluralName": "tags", "displayName": "Tag"},
    "options": {"draftAndPublish": False},
    "attributes": {
        "name": {"type": "string", "unique": True},
        "notes": {"type": "relation", "relation": "manyToMany", "target": "api::note.note", "mappedBy": "tags"},
    },
}
FILES = {
    "config/database.py": "def config(env):\n    return {'connection': {'client': 'sqlite', "
                          "'connection': {'filename': env('DATABASE_FILENAME', '.tmp/data.db')}}}\n",
    "config/middlewares.py": "config = ['minikoa::errors', 'minikoa::query', 'minikoa::body']\n",
    "config/plugins.py": "config = {'users-permissions': {'enabled': False}, 'upload': {'enabled': False}}\n",
    "config/server.py": "def config(env):\n    return {'webhooks': {'allowPrivate': True, 'endpoints': [\n"
                        "        {'name': 'soak', 'url': env('SOAK_RECEIVER'), 'events': ['entry.create']}]}}\n",
    "src/api/note/content-types/note/schema.json": json.dumps(NOTE, indent=2),
    "src/api/note/routes/note.py": "from minikoa import core_router\n\nroutes = core_router('api::note.note')\n",
    "src/api/tag/content-types/tag/schema.json": json.dumps(TAG, indent=2),
    "src/api/tag/routes/tag.py": "from minikoa import core_router\n\nroutes = core_router('api::tag.tag')\n",
}


def write(root: Path) -> Path:
    """The project under ``root``."""
    for rel, text in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root
