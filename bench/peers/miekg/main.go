// Decode + re-encode of the lab corpus with miekg/dns, the peer of bench/DnsCert.Dns.Benchmarks "corpus" mode.
// Build (Debian's golang-go and golang-github-miekg-dns-dev, no network):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o /tmp/miekg-corpus main.go
//
// Run: /tmp/miekg-corpus <corpus.bin.gz> <rounds>
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/miekg/dns"
)

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	rounds, _ := strconv.Atoi(os.Args[2])
	z, err := gzip.NewReader(f)
	if err != nil {
		panic(err)
	}
	r := bufio.NewReader(z)
	var corpus [][]byte
	for {
		var l [2]byte
		if _, err := io.ReadFull(r, l[:]); err != nil {
			break
		}
		m := make([]byte, binary.BigEndian.Uint16(l[:]))
		if _, err := io.ReadFull(r, m); err != nil {
			panic(err)
		}
		corpus = append(corpus, m)
	}
	buf := make([]byte, 65535)
	round := func() (octets int64) {
		for _, b := range corpus {
			m := new(dns.Msg)
			if err := m.Unpack(b); err != nil {
				panic(err)
			}
			// Compress = true: name compression as the servers did (and as DnsMessage.Encode always does).
			m.Compress = true
			out, err := m.PackBuffer(buf)
			if err != nil {
				panic(err)
			}
			octets += int64(len(out))
		}
		return
	}
	for w := 0; w < 5; w++ {
		round() // warm-up rounds, like the .NET side
	}
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	start := time.Now()
	var messages, octets int64
	for i := 0; i < rounds; i++ {
		octets += round()
		messages += int64(len(corpus))
	}
	elapsed := time.Since(start)
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	cpu := time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
	fmt.Printf("miekg/dns %d messages %d octets %.1f ns/message wall %.1f ns/message cpu\n", messages, octets,
		float64(elapsed.Nanoseconds())/float64(messages), float64(cpu.Nanoseconds())/float64(messages))
}
