#!/usr/bin/python3
"""A real SMTP server for tests: aiosmtpd storing every accepted message into a Maildir.

Usage: smtp_sink.py HOST PORT MAILDIR [CERT KEY]
With CERT and KEY it offers STARTTLS. SMTP_SINK_SMTPUTF8=0 in the environment stops it advertising SMTPUTF8. Recipients starting with "reject" get a 550, "defer" a 451; a message to a
recipient starting with "hangup" is stored and the connection closed after its "." without a reply. Prints "ready" once listening. On SIGTERM it stops the way an MTA
stops gracefully: no new connection, "421" and a close for a new transaction (RFC 5321 §3.8), every message already in DATA finished and answered (up to 8 s), then exit. A
message is stored before its 250 is sent, never after.
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


# Set on SIGTERM; the number of sessions inside DATA (from the command to the reply after the ".").
stopping = False
in_data = 0


class Session(SMTP):
    """aiosmtpd with one change at the end of the stream, to behave like a production MTA.

    aiosmtpd 1.4 cancels the session the moment the client's FIN arrives, even when the client's final "." is already
    in its input buffer, unread: the complete message is thrown away. Postfix and Exim read their input in order, so a
    client that wrote "." and then died still has its message queued (Postfix logs "lost connection after
    END-OF-MESSAGE"). Here the session first reads what arrived before the end of the stream, and is cancelled once it
    waits for more (or after five seconds).
    """

    async def smtp_MAIL(self, arg):
        if stopping:
            # RFC 5321 §3.8: a server that is shutting down answers 421 and closes the channel.
            await self.push("421 4.3.2 sink.test shutting down")
            self.transport.close()
            return
        await super().smtp_MAIL(arg)

    async def smtp_DATA(self, arg):
        global in_data
        in_data += 1
        try:
            await super().smtp_DATA(arg)
        finally:
            in_data -= 1

    def eof_received(self):
        asyncio.get_running_loop().create_task(self._end_after_buffered_input())
        # Keep the transport until then; the reader learns of the end when the session is cancelled.
        return True

    async def _end_after_buffered_input(self):
        reader = self._reader
        for _ in range(500):
            # StreamReader keeps unread bytes in _buffer and sets _waiter while a read waits for more.
            if reader is None or (not reader._buffer and reader._waiter is not None) or self._handler_coroutine.done():
                break
            await asyncio.sleep(0.01)
        if self.transport is not None:
            SMTP.eof_received(self)


async def main():
    host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    context = None
    if len(sys.argv) > 5:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(sys.argv[4], sys.argv[5])
    handler = MaildirHandler(path)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: Session(handler, hostname="sink.test", enable_SMTPUTF8=os.environ.get("SMTP_SINK_SMTPUTF8", "1") != "0", decode_data=False,
                     tls_context=context, require_starttls=False),
        host, port)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    print("ready", flush=True)
    await stop.wait()
    global stopping
    stopping = True
    server.close()
    for _ in range(800):
        if in_data == 0:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)


asyncio.run(main())
