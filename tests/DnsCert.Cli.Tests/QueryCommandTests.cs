namespace DnsCert.Cli.Tests;

public class QueryCommandTests
{
    [Fact]
    public async Task Query_prints_header_sections_edns_with_decoded_nsid_and_the_exchange_evidence()
    {
        await using var responder = new TinyResponder();

        var result = await CliProcess.RunAsync(null, "query", "www.example", "A", "@" + responder.Server, "+dnssec", "+nsid", "+norec");

        result.ExitCode.ShouldBe(0, result.StandardError);
        var output = result.StandardOutput;
        output.ShouldContain(";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: ");
        output.ShouldContain(";; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1");
        output.ShouldContain("; EDNS: version: 0, flags: do; udp: 1232");
        output.ShouldContain("; NSID=74696e792d6e7331 (\"tiny-ns1\")");
        output.ShouldContain(";; QUESTION SECTION:\n;www.example.\tIN\tA");
        output.ShouldContain(";; ANSWER SECTION:\nwww.example.\t3600\tIN\tA\t192.0.2.1");
        output.ShouldContain($";; SERVER: {responder.Server} (UDP)");
        output.ShouldMatch(@"(?s).*;; Query time: [0-9.]+ ms.*");
        output.ShouldMatch(@"(?s).*;; MSG SIZE  sent: \d+  rcvd: \d+.*");
        var query = responder.Queries.ShouldHaveSingleItem();
        query.RecursionDesired.ShouldBeFalse();
        query.Edns.ShouldNotBeNull().DnssecOk.ShouldBeTrue();
    }

    [Fact]
    public async Task Plus_tcp_queries_over_tcp_and_nxdomain_is_still_an_answer()
    {
        await using var responder = new TinyResponder();

        var result = await CliProcess.RunAsync(null, "query", "nothing.example.", "TXT", "@" + responder.Server, "+tcp");

        result.ExitCode.ShouldBe(0, result.StandardError);
        result.StandardOutput.ShouldContain("status: NXDOMAIN");
        result.StandardOutput.ShouldContain($";; SERVER: {responder.Server} (TCP)");
        responder.Queries.ShouldHaveSingleItem().RecursionDesired.ShouldBeTrue();
    }

    [Fact]
    public async Task A_server_that_never_answers_is_a_one_line_timeout_with_exit_1()
    {
        await using var responder = new TinyResponder(silent: true);

        var result = await CliProcess.RunAsync(null, "query", "www.example.", "A", "@" + responder.Server, "+time=0.3", "+retry=1");

        result.ExitCode.ShouldBe(1);
        result.StandardOutput.ShouldBeEmpty();
        result.StandardError.Trim().ShouldBe($"dnscert: no answer from {responder.Server} after 2 attempt(s) of 0.3 s");
        responder.Queries.Count.ShouldBe(2);
    }

    [Theory]
    [InlineData("BOGUS", "@127.0.0.1", "dnscert: unknown record type 'BOGUS' (use a mnemonic such as AAAA or the TYPEnnn form)")]
    [InlineData("A", "@1.2.3", "dnscert: bad server address '1.2.3' (an IPv4 or IPv6 address, optionally with #port)")]
    [InlineData("A", "@ns1.example.", "dnscert: bad server address 'ns1.example.' (an IPv4 or IPv6 address, optionally with #port)")]
    [InlineData("A", "@127.0.0.1#99999", "dnscert: bad server address '127.0.0.1#99999' (an IPv4 or IPv6 address, optionally with #port)")]
    [InlineData("A", "+frobnicate", "dnscert: unknown or malformed query option '+frobnicate'")]
    public async Task Bad_input_is_refused_in_one_line_with_exit_2(string type, string extra, string expected)
    {
        var result = await CliProcess.RunAsync(null, "query", "www.example.", type, extra);

        result.ExitCode.ShouldBe(2);
        result.StandardError.Trim().ShouldBe(expected);
    }

    [Fact]
    public async Task Type_in_rfc3597_form_goes_on_the_wire_as_that_type()
    {
        await using var responder = new TinyResponder();

        var result = await CliProcess.RunAsync(null, "query", "www.example.", "TYPE65534", "--server", responder.Server);

        result.ExitCode.ShouldBe(0, result.StandardError);
        result.StandardOutput.ShouldContain(";www.example.\tIN\tTYPE65534");
        ((ushort)responder.Queries.ShouldHaveSingleItem().Questions[0].Type).ShouldBe((ushort)65534);
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1", 53)]
    [InlineData("127.0.0.1#5353", "127.0.0.1", 5353)]
    [InlineData("127.0.0.1:5353", "127.0.0.1", 5353)]
    [InlineData("2001:db8::53", "2001:db8::53", 53)]
    [InlineData("2001:DB8::53#853", "2001:db8::53", 853)]
    [InlineData("[2001:db8::53]:5353", "2001:db8::53", 5353)]
    public void Server_words_parse_as_dig_and_endpoint_forms(string text, string address, int port)
    {
        var endPoint = Commands.QueryCommand.ParseServer(text);

        endPoint.Address.ToString().ShouldBe(address);
        endPoint.Port.ShouldBe(port);
    }
}
