"""global::timer: how long the rest of the chain took, as a response header."""

import time


def middleware(config, app):
    header = config.get("header", "X-Response-Time")

    def timer(ctx):
        start = time.perf_counter()
        yield
        ctx.set(header, f"{(time.perf_counter() - start) * 1000:.2f}ms")

    return timer
