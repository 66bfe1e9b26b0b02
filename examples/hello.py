"""The smallest minikoa app.

Serve it with ``gunicorn 'minikoa.wsgi:create_app("examples.hello:app")'`` (the
app is built as each worker starts: a mistake stops the server at once), or
plainly with ``gunicorn 'examples.hello:app'`` (built by the first request).
"""

from minikoa import App

app = App()


@app.get("/")
def index(ctx):
    return {"message": "Hello from minikoa"}


@app.get("/hello/:name")
def hello(ctx):
    return {"hello": ctx.params["name"]}


@app.post("/echo")
def echo(ctx):
    body = ctx.request_body
    if body is None:
        ctx.throw(415, "Send a JSON body (Content-Type: application/json)")
    return {"echo": body}
