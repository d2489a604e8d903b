#!/usr/bin/python3
"""A real SMTP server for tests: aiosmtpd storing every accepted message into a Maildir.

Usage: smtp_sink.py HOST PORT MAILDIR [CERT KEY]
With CERT and KEY it offers STARTTLS. SMTP_SINK_SMTPUTF8=0 in the environment stops it advertising SMTPUTF8. Recipients starting with "reject" get a 550, "defer" a 451; a message to a
recipient starting with "hangup" is stored and the connection closed after its "." without a reply. Prints "ready" once listening. On SIGTERM it stops accepting, lets sessions in
the middle of a command finish for a moment, and exits: a message is stored before its 250 is sent, never after.
"""
import asyncio
import mailbox
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP


class MaildirHandler:
    def __init__(self, path):
        # Maildir(create=True) makes the subfolders only when the folder itself is new.
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(path, sub), exist_ok=True)
        self.maildir = mailbox.Maildir(path, create=True)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        # Scripted refusals for tests of retries and dead letters.
        if address.startswith("reject"):
            return "550 5.1.1 no such mailbox"
        if address.startswith("defer"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        # mailbox.Maildir.add writes into tmp/ and renames into new/: a reader never sees half a message.
        self.maildir.add(envelope.original_content)
        if any(r.startswith("hangup") for r in envelope.rcpt_tos):
            # The worst lost reply: the server has the message, the client never hears so (RFC 5321 §6.1).
            server.transport.abort()
        return "250 2.0.0 stored"


async def main():
    host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    context = None
    if len(sys.argv) > 5:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(sys.argv[4], sys.argv[5])
    handler = MaildirHandler(path)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="sink.test", enable_SMTPUTF8=os.environ.get("SMTP_SINK_SMTPUTF8", "1") != "0", decode_data=False,
                     tls_context=context, require_starttls=False),
        host, port)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    print("ready", flush=True)
    await stop.wait()
    server.close()
    await asyncio.sleep(0.2)


asyncio.run(main())
