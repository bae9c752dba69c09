"""mille serve: the local dashboard, read-only, over the same results as the other commands."""

from __future__ import annotations

import click

MIN_TOKEN = 16


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but a loopback address needs --token.")
@click.option("--port", "-p", default=8765, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")
@click.option("--token", envvar="MILLE_TOKEN", default=None,
              help="Secret every request must carry (header, ?token= or the cookie it sets); `auto` makes one. "
                   "Also read from $MILLE_TOKEN.")
@click.option("--connections", default=2, show_default=True, type=click.IntRange(1, 32),
              help="Read-only database connections shared by concurrent requests.")
@click.option("--cache", "cache_size", default=256, show_default=True, type=click.IntRange(0, 100_000),
              help="Results kept in memory (0: compute every request).")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]), help="Server log detail.")
@click.pass_context
def command(ctx: click.Context, host: str, port: int, token: str | None,
            connections: int, cache_size: int, log_level: str) -> None:
    """Serve the dashboard: overview, breakdown, explain, audit and metric pages, each also as
    JSON (add .json to the address). The workspace is opened read-only; by default only this
    machine can connect."""
    import secrets

    from mille.cli.common import workspace_path
    from mille.report.html_locale import parse_locale
    from mille.web.guard import is_loopback
    from mille.workspace import Workspace

    if token == "auto":
        token = secrets.token_urlsafe(24)
    if not is_loopback(host) and not token:
        raise click.UsageError(
            f"--host {host} would let other machines read the dashboard: add --token SECRET "
            "(or --token auto), or keep the default --host 127.0.0.1"
        )
    if token is not None and len(token) < MIN_TOKEN:
        raise click.BadParameter(f"use at least {MIN_TOKEN} characters (or `auto`)", param_hint="--token")

    where = workspace_path(ctx)
    engine = (ctx.find_root().obj or {}).get("engine")
    # Open once here so that a missing or locked workspace, or a bad locale, is one message and
    # exit status 2 — not a server that starts and then fails.
    with Workspace.open(where, read_only=True, engine=engine) as ws:
        parse_locale(ws.config.locale)

    import uvicorn

    from mille.web.app import create_app

    app = create_app(workspace=str(where), token=token, pool_size=connections, cache_size=cache_size,
                     engine=engine)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    click.echo(f"mille dashboard for {where} (read-only) at {url}", err=True)
    click.echo("Every page also answers as JSON: add .json to its address. Ctrl-C stops.", err=True)
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=log_level in ("info", "debug"))
