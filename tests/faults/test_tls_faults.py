"""wss:// to servers whose certificates are wrong: self-signed, for another host, expired.

Each refusal is one sentence that says what is wrong and the way out that fits it; the
user then takes that way out from the panel (-k, or --ca) and the connection works.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sockscope.core.store.frames import Kind, Opcode
from sockscope.tui.factory import build_app
from tui.helpers import frames, wait_for

from .app_checks import SIZE, assert_survived, connect_from_panel, log_text, status
from .conftest import TlsUrls


async def test_certificate_faults_and_the_ways_out(tls_urls: TlsUrls) -> None:
    port = urlsplit(tls_urls.self_signed).port
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        store = app.session.store

        async def connect(url: str, ca: str = "", insecure: bool = False) -> int:
            return await connect_from_panel(pilot, app, url, {"ca": ca}, insecure=insecure)

        row = await connect(tls_urls.self_signed)
        untrusted = f"The TLS certificate of 127.0.0.1:{port} is not trusted"
        way_out = (
            "): trust it with --ca FILE (the certificate or its CA), or skip verification with -k."
        )
        message = store.info(row)["message"]
        assert message.startswith(f"{untrusted} (self") and message.endswith(way_out)
        await pilot.pause()
        assert untrusted in log_text(app)
        assert message[:80] in status(app)

        async def send_and_see_the_echo(text: str) -> None:
            await pilot.press(*text, "enter")
            await wait_for(pilot, lambda: (Kind.RECV, Opcode.TEXT, text.encode()) in frames(app))

        assert store.kind(await connect(tls_urls.self_signed, tls_urls.self_signed_file)) is (
            Kind.OPEN
        )
        await send_and_see_the_echo("ca")
        assert store.kind(await connect(tls_urls.self_signed, insecure=True)) is Kind.OPEN
        await send_and_see_the_echo("k")
        echoes = frames(app)

        row = await connect(tls_urls.expired)  # signed by a CA this machine does not know
        assert store.info(row)["message"].endswith(way_out)
        row = await connect(tls_urls.wrong_host, tls_urls.ca_file)
        assert store.kind(row) is Kind.ERROR
        assert store.info(row)["message"].endswith(
            "is for another host (IP address mismatch, certificate is not valid for "
            "'127.0.0.1'): connect with a name it covers, or skip verification with -k."
        )
        row = await connect(tls_urls.expired, tls_urls.ca_file)
        assert store.kind(row) is Kind.ERROR
        assert store.info(row)["message"].endswith(
            "has expired (certificate has expired): the server must renew it (or this "
            "machine's clock is wrong); -k skips verification."
        )
        await assert_survived(pilot, app, echoes)
