#!/usr/bin/env python3
"""Writes a deterministic TLD-like zone of about <records> records for the parsing benchmark.

Usage: generate-zone.py <records> <output file>
Each delegation has 2 NS (one in-zone with A and AAAA glue), a DS, and every tenth one also a TXT and an MX in
the parent (like a registry's own hosts): a realistic mix of names, addresses, hex and quoted text.
"""
import random
import sys

target, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(20261121)
with open(path, "w", encoding="ascii") as out:
    out.write("$ORIGIN bench.\n$TTL 86400\n")
    out.write("@ IN SOA ns1.nic.bench. hostmaster.nic.bench. ( 2026112100 1800 900 604800 3600 )\n")
    out.write("@ IN NS ns1.nic.bench.\n@ IN NS ns2.nic.bench.\nns1.nic IN A 192.0.2.1\nns2.nic IN AAAA 2001:db8::2\n")
    written, i = 5, 0
    while written < target:
        name = f"d{i:07d}"
        out.write(f"{name} 172800 IN NS ns1.{name}\n")
        out.write(f"{name} 172800 IN NS ns{i % 7}.hoster{i % 97}.example.\n")
        out.write(f"ns1.{name} 172800 IN A 10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}\n")
        out.write(f"ns1.{name} 172800 IN AAAA 2001:db8:{(i >> 16) & 0xffff:x}:{i & 0xffff:x}::53\n")
        out.write(f"{name} 86400 IN DS {rng.randrange(65536)} 13 2 {rng.randbytes(32).hex().upper()}\n")
        written += 5
        if i % 10 == 0:
            out.write(f'{name} 3600 IN TXT "registered {i}" "v=spf1 -all"\n')
            out.write(f"{name} 3600 IN MX 10 mail.{name}\n")
            written += 2
        i += 1
