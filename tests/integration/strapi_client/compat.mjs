// Drives the official @strapi/client against a running minikoa server and prints a JSON report.
//
//   BASE_URL=http://127.0.0.1:1337 STRAPI_CLIENT_DIR=.cache/strapi-client node tests/strapi_client/compat.mjs
//
// BASE_URL is the server's root (the client gets BASE_URL + "/api"); STRAPI_CLIENT_DIR is the folder
// whose node_modules holds the pinned client (default: <repo>/.cache/strapi-client, where `make test`
// installs it). The server must hold the data tests/integration/test_strapi_client.py seeds.
//
// Output: one JSON object on stdout, {"client": <version>, "checks": [{name, ok, error?, exchanges?}]};
// a failed check carries the HTTP exchanges it made (method, url, request body, status, response body).
// The exit status is 0 when every check passed, 1 when one failed, 2 when the scenario could not start.

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const clientDir = resolve(process.env.STRAPI_CLIENT_DIR || join(here, '..', '..', '.cache', 'strapi-client'));
const baseURL = (process.env.BASE_URL || process.argv[2] || '').replace(/\/+$/, '');
if (!baseURL) {
  console.error('compat.mjs: set BASE_URL (e.g. http://127.0.0.1:1337)');
  process.exit(2);
}

const requireFromCache = createRequire(join(clientDir, 'package.json'));
let sdk;
let clientVersion;
try {
  sdk = requireFromCache('@strapi/client');
  clientVersion = JSON.parse(readFileSync(requireFromCache.resolve('@strapi/client/package.json'), 'utf8')).version;
} catch (err) {
  console.error(`compat.mjs: cannot load @strapi/client from ${clientDir} (run \`make test\`): ${err.message}`);
  process.exit(2);
}
const { strapi, HTTPError, HTTPNotFoundError, HTTPBadRequestError } = sdk;

// -- every HTTP exchange the client makes, so a failed check can show what was said -----------------

let exchanges = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const request = input instanceof Request ? input : new Request(input, init);
  const entry = { method: request.method, url: decodeURIComponent(request.url) };
  const sent = await request.clone().text();
  if (sent) entry.requestBody = sent;
  exchanges.push(entry);
  const response = await realFetch(request);
  entry.status = response.status;
  entry.responseBody = (await response.clone().text()).slice(0, 2000);
  return response;
};

// -- checks ------------------------------------------------------------------------------------------

const checks = [];

async function check(name, fn) {
  exchanges = [];
  try {
    await fn();
    checks.push({ name, ok: true });
  } catch (err) {
    checks.push({ name, ok: false, error: `${err.name}: ${err.message}`, exchanges });
  }
}

class CheckFailed extends Error {
  name = 'CheckFailed';
}

function same(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new CheckFailed(`${what}: got ${a}, expected ${e}`);
}

function truthy(value, what) {
  if (!value) throw new CheckFailed(what);
}

function lastStatus() {
  return exchanges.length ? exchanges[exchanges.length - 1].status : undefined;
}

const DOCUMENT_ID = /^[a-z0-9]{24}$/;
const NOT_FOUND = { data: null, error: { status: 404, name: 'NotFoundError', message: 'Not Found', details: {} } };
const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function isEntry(entry, what) {
  truthy(entry && typeof entry === 'object' && !Array.isArray(entry), `${what}: not an object: ${JSON.stringify(entry)}`);
  truthy(Number.isInteger(entry.id), `${what}: id is not an integer: ${JSON.stringify(entry.id)}`);
  truthy(DOCUMENT_ID.test(entry.documentId ?? ''), `${what}: documentId ${JSON.stringify(entry.documentId)} is not 24 [a-z0-9]`);
}

// The client's error classes by the name their instances carry (the bundle's class names are minified).
const ERROR_NAMES = new Map([[HTTPNotFoundError, 'HTTPNotFoundError'], [HTTPBadRequestError, 'HTTPBadRequestError']]);

// Awaits `promise`, which must reject with the client's HTTP error of class `cls` and `status`;
// returns the error and the JSON body of its response.
async function rejects(promise, cls, status) {
  const expected = ERROR_NAMES.get(cls);
  let error;
  try {
    const value = await promise;
    throw new CheckFailed(`the client resolved with ${JSON.stringify(value)} instead of raising ${expected}`);
  } catch (err) {
    if (err instanceof CheckFailed) throw err;
    error = err;
  }
  truthy(error instanceof HTTPError, `the client raised ${error?.name}: ${error?.message}, not an HTTPError`);
  truthy(error instanceof cls, `the client raised ${error.name}, expected ${expected} (status ${error.response?.status})`);
  same(error.name, expected, 'error.name');
  same(error.response.status, status, 'error.response.status');
  const body = await error.response.json();
  return { error, body };
}

// -- the scenario ---------------------------------------------------------------------------------

const client = strapi({ baseURL: `${baseURL}/api` });
const articles = client.collection('articles');
const homepage = client.single('homepage');

// The seed (tests/integration/test_strapi_client.py): title -> [views, category name or null].
const SEED = {
  'Article 1': [10, 'Tech'],
  'Article 2': [30, 'Life'],
  'Article 3': [20, 'Tech'],
  'Article 4': [50, null],
  'Article 5': [40, 'Tech'],
  'Article 6': [0, 'Life'],
};
const TITLES_BY_VIEWS_DESC = Object.keys(SEED).sort((a, b) => SEED[b][0] - SEED[a][0]);
const ids = {};

await check('find: plain list, default pagination', async () => {
  const res = await articles.find();
  same(Object.keys(res).sort(), ['data', 'meta'], 'top-level keys');
  same(res.data.length, 6, 'number of articles');
  res.data.forEach((a, i) => isEntry(a, `data[${i}]`));
  same(res.meta.pagination, { page: 1, pageSize: 25, pageCount: 1, total: 6 }, 'meta.pagination');
  const first = res.data.find((a) => a.title === 'Article 1');
  truthy(first, 'Article 1 is listed');
  truthy(!('secret' in first), `the private attribute "secret" is sent: ${JSON.stringify(first)}`);
  truthy(!('category' in first), 'a relation is sent without populate');
  truthy(ISO_DATE.test(first.createdAt ?? ''), `createdAt ${JSON.stringify(first.createdAt)} is not ISO 8601 with ms`);
  for (const a of res.data) ids[a.title] = a.documentId;
});

await check('find: filters $containsi', async () => {
  const res = await articles.find({ filters: { title: { $containsi: 'article 1' } } });
  same(res.data.map((a) => a.title), ['Article 1'], 'titles');
  same(res.meta.pagination.total, 1, 'meta.pagination.total');
});

await check('find: relation filter category.name $eq', async () => {
  const res = await articles.find({ filters: { category: { name: { $eq: 'Tech' } } }, sort: ['title:asc'] });
  same(res.data.map((a) => a.title), ['Article 1', 'Article 3', 'Article 5'], 'titles');
  same(res.meta.pagination.total, 3, 'meta.pagination.total');
});

await check('find: sort views:desc', async () => {
  const res = await articles.find({ sort: ['views:desc'] });
  same(res.data.map((a) => a.title), TITLES_BY_VIEWS_DESC, 'titles in order');
  same(res.data.map((a) => a.views), TITLES_BY_VIEWS_DESC.map((t) => SEED[t][0]), 'views in order');
});

await check('find: fields', async () => {
  const res = await articles.find({ fields: ['title', 'views'], sort: ['views:desc'] });
  same(res.data.length, 6, 'number of articles');
  for (const a of res.data) same(Object.keys(a).sort(), ['documentId', 'id', 'title', 'views'], `keys of ${a.title}`);
  same(res.data[0].title, 'Article 4', 'first title');
});

await check("find: populate ['category']", async () => {
  const res = await articles.find({ populate: ['category'], sort: ['title:asc'] });
  same(res.data.map((a) => a.category?.name ?? null), Object.keys(SEED).sort().map((t) => SEED[t][1]), 'category names');
  const tech = res.data[0].category;
  isEntry(tech, 'data[0].category');
  truthy(!('articles' in tech), 'the category brings its own relations unasked');
});

await check("find: populate '*'", async () => {
  const res = await articles.find({ populate: '*', sort: ['title:asc'] });
  same(res.data.map((a) => a.category?.name ?? null), Object.keys(SEED).sort().map((t) => SEED[t][1]), 'category names');
});

await check('find: pagination page/pageSize', async () => {
  const res = await articles.find({ sort: ['views:desc'], pagination: { page: 2, pageSize: 2 } });
  same(res.data.map((a) => a.title), TITLES_BY_VIEWS_DESC.slice(2, 4), 'titles of page 2');
  same(res.meta.pagination, { page: 2, pageSize: 2, pageCount: 3, total: 6 }, 'meta.pagination');
});

await check('find: pagination start/limit', async () => {
  const res = await articles.find({ sort: ['views:desc'], pagination: { start: 1, limit: 3 } });
  same(res.data.map((a) => a.title), TITLES_BY_VIEWS_DESC.slice(1, 4), 'titles');
  same(res.meta.pagination, { start: 1, limit: 3, total: 6 }, 'meta.pagination');
});

await check("findOne(documentId, {populate: ['category']})", async () => {
  const res = await articles.findOne(ids['Article 3'], { populate: ['category'] });
  same(Object.keys(res).sort(), ['data', 'meta'], 'top-level keys');
  isEntry(res.data, 'data');
  same([res.data.documentId, res.data.title, res.data.views], [ids['Article 3'], 'Article 3', 20], 'documentId, title, views');
  same(res.data.category?.name, 'Tech', 'data.category.name');
  same(res.meta, {}, 'meta');
});

let created;
await check('create(data): 201 and the entry', async () => {
  const tech = (await articles.findOne(ids['Article 1'], { populate: ['category'] })).data.category;
  const res = await articles.create({ title: 'Made by the client', body: 'hello', views: 7, category: tech.documentId });
  same(lastStatus(), 201, 'status');
  isEntry(res.data, 'data');
  same([res.data.title, res.data.body, res.data.views], ['Made by the client', 'hello', 7], 'title, body, views');
  same(res.meta, {}, 'meta');
  created = res.data;
  const again = await articles.findOne(created.documentId, { populate: ['category'] });
  same(again.data.category?.name, 'Tech', 'the created entry\'s category');
});

await check('update(documentId, data)', async () => {
  truthy(created, 'nothing was created');
  const res = await articles.update(created.documentId, { views: 99, title: 'Changed by the client' });
  same(lastStatus(), 200, 'status');
  same([res.data.documentId, res.data.title, res.data.views, res.data.body],
    [created.documentId, 'Changed by the client', 99, 'hello'], 'documentId, title, views, body');
  const listed = await articles.find({ filters: { documentId: { $eq: created.documentId } }, fields: ['views'] });
  same(listed.data.map((a) => a.views), [99], 'views read back');
});

await check('delete(documentId), then findOne raises HTTPNotFoundError (404)', async () => {
  truthy(created, 'nothing was created');
  const res = await articles.delete(created.documentId);
  same(res, undefined, 'delete() result');
  same(lastStatus(), 204, 'status of DELETE');
  const { body } = await rejects(articles.findOne(created.documentId), HTTPNotFoundError, 404);
  same(body, NOT_FOUND, 'error body');
  same((await articles.find()).meta.pagination.total, 6, 'total after delete');
});

await check('create without the required title raises HTTPBadRequestError (400, ValidationError)', async () => {
  const { body } = await rejects(articles.create({ body: 'no title', views: 1 }), HTTPBadRequestError, 400);
  same(body, {
    data: null,
    error: {
      status: 400,
      name: 'ValidationError',
      message: 'title must be defined.',
      details: { errors: [{ path: ['title'], message: 'title must be defined.', name: 'ValidationError' }] },
    },
  }, 'error body');
  same((await articles.find()).meta.pagination.total, 6, 'total after the refused create');
});

await check("single('homepage'): update creates, find reads, delete removes", async () => {
  same((await rejects(homepage.find(), HTTPNotFoundError, 404)).body, NOT_FOUND, 'error body before the first update');
  const made = await homepage.update({ headline: 'Welcome' });
  same(lastStatus(), 200, 'status of the first PUT');
  isEntry(made.data, 'data');
  same(made.data.headline, 'Welcome', 'data.headline');
  const read = await homepage.find();
  same([read.data.documentId, read.data.headline], [made.data.documentId, 'Welcome'], 'documentId, headline read back');
  same(read.meta, {}, 'meta');
  const changed = await homepage.update({ headline: 'Welcome back' });
  same([changed.data.documentId, changed.data.headline], [made.data.documentId, 'Welcome back'], 'second update');
  same(await homepage.delete(), undefined, 'delete() result');
  same(lastStatus(), 204, 'status of DELETE');
  same((await rejects(homepage.find(), HTTPNotFoundError, 404)).body, NOT_FOUND, 'error body after delete');
});

globalThis.fetch = realFetch;
console.log(JSON.stringify({ client: clientVersion, baseURL, checks }, null, 2));
process.exit(checks.every((c) => c.ok) ? 0 : 1);
