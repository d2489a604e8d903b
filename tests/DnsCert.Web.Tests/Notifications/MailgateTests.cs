using System.Diagnostics;
using System.Text;
using DnsCert.Core.Accounts;
using DnsCert.Infrastructure.Identity;
using DnsCert.Infrastructure.Persistence;
using DnsCert.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DnsCert.Web.Tests.Notifications;

/// <summary>`dnscert mailgate` as an MTA runs it: mail on stdin, posted to the real server process with a mail:intake token.</summary>
public sealed class MailgateTests : IAsyncLifetime
{
    private string _database = "";
    private NpgsqlDataSource _db = null!;
    private Process _server = null!;
    private int _port;
    private string _token = "";

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _db = NpgsqlDataSource.Create(_database);
        await new Migrator(_db, NullLogger<Migrator>.Instance).MigrateAsync(null, default);
        await using (var user = _db.CreateCommand("""
            INSERT INTO users (id, user_name, display_name, roles, must_change_password, created_at)
            VALUES ($1, 'mailgate', 'Mail gateway', '{administrator}', false, now())
            """))
        {
            var id = Guid.CreateVersion7();
            user.Parameters.Add(new() { Value = id });
            await user.ExecuteNonQueryAsync();
            (_token, _) = await new ApiTokenStore(_db, TimeProvider.System).CreateAsync(id, "postfix", [ApiScopes.MailIntake], TimeSpan.FromDays(1), default);
        }

        _port = FreePort.Next();
        _server = ServerProcess.Start(ServerProcess.Environment(_database, _port));
        _ = _server.StandardOutput.ReadToEndAsync();
        _ = _server.StandardError.ReadToEndAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 240; i++)
        {
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{_port}/readyz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("server never became ready");
    }

    public async Task DisposeAsync()
    {
        if (!_server.HasExited)
        {
            _server.Kill();
        }

        await _server.WaitForExitAsync();
        _server.Dispose();
        await _db.DisposeAsync();
    }

    private async Task<ProcessResult> MailgateAsync(string mail, string? token = null, int? port = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { RepoPaths.Artifact("DnsCert.Cli", "DnsCert.Cli.dll"), "mailgate", "--server", $"http://127.0.0.1:{port ?? _port}" })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DNSCERT_MAILGATE_TOKEN"] = token ?? _token;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.BaseStream.WriteAsync(Encoding.UTF8.GetBytes(mail.Replace("\n", "\r\n", StringComparison.Ordinal)));
        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(cts.Token);
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Untagged_mail_becomes_a_report_and_malformed_mail_exits_65_and_is_kept()
    {
        var report = await MailgateAsync("From: reporter@isp.test\nSubject: Open resolver at 192.0.2.1\n\nIt answers everyone.\n");
        report.ExitCode.ShouldBe(0, report.StandardError);
        report.StandardOutput.ShouldContain("disposition=report");

        var malformed = await MailgateAsync("this is not a mail header\n\nbody\n");
        malformed.ExitCode.ShouldBe(65);
        malformed.StandardError.ShouldContain("malformed mail rejected (kept in quarantine on the server)");
        await using var kept = _db.CreateCommand("SELECT count(*) FROM mail_intake WHERE disposition = 'quarantined'");
        ((long)(await kept.ExecuteScalarAsync())!).ShouldBe(1);

        (await MailgateAsync("From: a@b.test\n\nx\n", token: "dnsc_wrongwrong_" + new string('x', 43))).ExitCode.ShouldBe(77);
    }

    [Fact]
    public async Task A_server_error_such_as_its_database_being_down_exits_75_so_the_mta_retries()
    {
        // The intake's table is gone for a moment (as when the database fails under the server): the server answers
        // 500, and the mail must stay with the MTA.
        await using (var hide = _db.CreateCommand("ALTER TABLE mail_intake RENAME TO mail_intake_hidden"))
        {
            await hide.ExecuteNonQueryAsync();
        }

        ProcessResult result;
        try
        {
            result = await MailgateAsync("From: reporter@isp.test\nSubject: Lame delegation\n\nns1 refuses.\n");
        }
        finally
        {
            await using var restore = _db.CreateCommand("ALTER TABLE mail_intake_hidden RENAME TO mail_intake");
            await restore.ExecuteNonQueryAsync();
        }

        result.ExitCode.ShouldBe(75, result.StandardError);
        result.StandardError.ShouldContain("the MTA will retry");
        await using var reports = _db.CreateCommand("SELECT count(*) FROM reports WHERE subject = 'Lame delegation'");
        ((long)(await reports.ExecuteScalarAsync())!).ShouldBe(0); // one transaction: no half-written report either
    }

    [Fact]
    public async Task An_answer_that_breaks_off_while_being_read_exits_75()
    {
        // A server that sends a 200 header promising a body, then closes the connection half-way.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var serve = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var request = new byte[65536];
            var seen = new StringBuilder();
            while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(request);
                if (read == 0)
                {
                    return;
                }

                seen.Append(Encoding.ASCII.GetString(request, 0, read));
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"disposition\":"));
            await stream.FlushAsync();
            client.Client.Shutdown(System.Net.Sockets.SocketShutdown.Both);
        });

        var result = await MailgateAsync("From: reporter@isp.test\nSubject: x\n\ny\n", port: port);
        await serve;
        result.ExitCode.ShouldBe(75, result.StandardError);
        result.StandardError.ShouldContain("the server's answer broke off, the MTA will retry");
    }
}
