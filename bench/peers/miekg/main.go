// Decode + re-encode of the lab corpus with miekg/dns, the peer of bench/DnsCert.Dns.Benchmarks "corpus" mode.
// Build (Debian's golang-go and golang-github-miekg-dns-dev, no network):
//   GO111MODULE=off GOPATH=/usr/share/gocode go build -o /tmp/miekg-corpus main.go
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
	round() // warm-up, like the .NET side
	start := time.Now()
	var messages, octets int64
	for i := 0; i < rounds; i++ {
		octets += round()
		messages += int64(len(corpus))
	}
	elapsed := time.Since(start)
	fmt.Printf("miekg/dns %d messages %d octets %.1f ns/message\n", messages, octets, float64(elapsed.Nanoseconds())/float64(messages))
}
