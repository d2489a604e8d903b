using DnsCert.Core.Campaigns;
using DnsCert.Core.Constituency;
using DnsCert.Core.Visibility;

namespace DnsCert.Core.Tests.Campaigns;

public class CampaignUploadsTests
{
    private static readonly Lazy<PublicSuffixList> s_psl = new(() => PublicSuffixList.Load());
    private static readonly Guid s_com = Guid.NewGuid();
    private static readonly Guid s_org = Guid.NewGuid();
    private static readonly Viewer s_staff = Viewer.Person(Guid.NewGuid(), null, Core.Accounts.Roles.IncidentHandler);

    private static RoutingSnapshot Snapshot() => new(
        new Dictionary<string, Guid> { ["com"] = s_com, ["net"] = s_com, ["org"] = s_org },
        new Dictionary<string, Guid>(), [],
        new Dictionary<Guid, RoutingOrganisation>
        {
            [s_com] = new(s_com, "Meridian", OrganisationKind.GTldRegistry, "en", []),
            [s_org] = new(s_org, "Org Registry", OrganisationKind.GTldRegistry, "fr", []),
        });

    private static (CampaignUploads Uploads, RecordingStore Store) Create()
    {
        var store = new RecordingStore();
        return (new CampaignUploads(store, CampaignUploads.RoutingFrom(s_psl.Value, _ => Task.FromResult(Snapshot())), TimeProvider.System), store);
    }

    private static CampaignUploadTarget Target() =>
        CampaignUploadTarget.Create(s_staff, "tester", new CampaignDraft("Test", Tlp.Amber, DateTimeOffset.UtcNow.AddDays(2), CampaignAction.Block), new DateOnly(2020, 1, 1));

    [Fact]
    public async Task Names_are_normalised_routed_and_written_with_unroutable_ones_marked()
    {
        var (uploads, store) = Create();
        const string Text = "# day 1\nExample.com\nwww.other.net.\n\nbücher.org\nfoo.co.uk\nname.fk\n";
        await uploads.HandleAsync(Target(), new StringReader(Text), null, default);

        store.Written.ShouldBe([
            new RoutedName("example.com.", "com", s_com),
            new RoutedName("other.net.", "net", s_com),
            new RoutedName("xn--bcher-kva.org.", "org", s_org),
            new RoutedName("foo.co.uk.", "uk", null),
            new RoutedName("name.fk.", "fk", null),
        ]);
        store.Committed!.Value.Facts.Lines.ShouldBe(7);
        store.Committed.Value.Facts.Names.ShouldBe(5);
        store.Committed.Value.Registries.Keys.ShouldBe([s_com, s_org], ignoreOrder: true);
        store.Disposed.ShouldBeTrue();
    }

    [Fact]
    public async Task Bad_lines_refuse_the_whole_upload_naming_each_line_and_nothing_is_committed()
    {
        var (uploads, store) = Create();
        const string Text = "good.com\nbad..com\nfoo.notatld\ncom\nco.uk\nlocalhost\nother.org\n";
        var e = await Should.ThrowAsync<CampaignUploadRejectedException>(() => uploads.HandleAsync(Target(), new StringReader(Text), null, default));

        e.ErrorCount.ShouldBe(5);
        e.Errors.Select(x => x.Line).ShouldBe([2, 3, 4, 5, 6]);
        e.Errors[0].Reason.ShouldContain("empty label");
        e.Errors[1].Reason.ShouldBe("'.notatld' is not a top-level domain");
        e.Errors[2].Reason.ShouldContain("single label");
        e.Errors[3].Reason.ShouldContain("public suffix");
        e.Message.ShouldContain("line 2: 'bad..com'");
        store.Committed.ShouldBeNull();
        store.Disposed.ShouldBeTrue();
    }

    [Fact]
    public async Task Csv_uploads_use_the_domain_column_and_quotes()
    {
        var (uploads, store) = Create();
        const string Text = "date,\"domain\",source\n2020-01-01,a.com,dga\n2020-01-01,\"b.org\",\"x,y\"\n";
        await uploads.HandleAsync(Target(), new StringReader(Text), null, default);
        store.Written.Select(n => n.Name).ShouldBe(["a.com.", "b.org."]);
    }

    [Fact]
    public async Task The_same_content_has_the_same_hash_whatever_the_line_endings()
    {
        var (uploads, store) = Create();
        await uploads.HandleAsync(Target(), new StringReader("a.com\nb.com\n"), null, default);
        var first = store.Committed!.Value.Facts.ContentHash;
        await uploads.HandleAsync(Target(), new StringReader("a.com\r\nb.com\r\n"), null, default);
        store.Committed!.Value.Facts.ContentHash.ShouldBe(first);
        await uploads.HandleAsync(Target(), new StringReader("a.com\nc.com\n"), null, default);
        store.Committed!.Value.Facts.ContentHash.ShouldNotBe(first);
    }

    [Fact]
    public async Task An_empty_upload_is_refused()
    {
        var (uploads, _) = Create();
        (await Should.ThrowAsync<ValidationException>(() => uploads.HandleAsync(Target(), new StringReader("# nothing\n\n"), null, default)))
            .Field.ShouldBe("file");
    }

    /// <summary>
    /// A 10-million-line upload is refused at line 5,000,001 with a message naming the limit, and the reader never
    /// asked for more: the input is a generator that counts what was taken, so nothing held it whole.
    /// </summary>
    [Fact]
    public async Task Ten_million_lines_are_refused_at_the_limit_without_reading_further()
    {
        var (uploads, store) = Create();
        using var input = new GeneratedLines(10_000_000);
        var e = await Should.ThrowAsync<ValidationException>(() => uploads.HandleAsync(Target(), input, null, default));

        e.Field.ShouldBe("file");
        e.Reason.ShouldContain("more than 5,000,000 lines");
        input.Served.ShouldBe(CampaignLineReader.MaxLines + 1);
        store.Committed.ShouldBeNull();
        store.Disposed.ShouldBeTrue();
        store.WrittenCount.ShouldBe(CampaignLineReader.MaxLines);
    }

    /// <summary>Serves "n&lt;i&gt;.com" lines one at a time, counting them.</summary>
    private sealed class GeneratedLines(long count) : TextReader
    {
        public long Served { get; private set; }

        public override string? ReadLine()
        {
            if (Served >= count)
            {
                return null;
            }

            Served++;
            return "n" + Served.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".com";
        }

        public override ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => ValueTask.FromResult(ReadLine());

        public override Task<string?> ReadLineAsync() => Task.FromResult(ReadLine());
    }

    /// <summary>Keeps what the use case wrote (only the first 1,000 names, and a count) and whether it committed.</summary>
    private sealed class RecordingStore : ICampaignStore, ICampaignUploadWriter
    {
        public List<RoutedName> Written { get; } = [];

        public long WrittenCount { get; private set; }

        public (UploadFacts Facts, IReadOnlyDictionary<Guid, RegistryParty> Registries)? Committed { get; private set; }

        public bool Disposed { get; private set; }

        public Task<ICampaignUploadWriter> BeginUploadAsync(CampaignUploadTarget target, CancellationToken cancellationToken)
        {
            Written.Clear();
            WrittenCount = 0;
            Committed = null;
            Disposed = false;
            return Task.FromResult<ICampaignUploadWriter>(this);
        }

        public ValueTask WriteAsync(RoutedName name, CancellationToken cancellationToken)
        {
            if (Written.Count < 1000)
            {
                Written.Add(name);
            }

            WrittenCount++;
            return ValueTask.CompletedTask;
        }

        public Task<CampaignUploadResult> CommitAsync(UploadFacts facts, IReadOnlyDictionary<Guid, RegistryParty> registries, CancellationToken cancellationToken)
        {
            Committed = (facts, new Dictionary<Guid, RegistryParty>(registries));
            return Task.FromResult(new CampaignUploadResult(Guid.Empty, Guid.Empty, false, facts.Lines, facts.Names, facts.Names, 0, [], 0, []));
        }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }

        public Task<IReadOnlyList<CampaignSummary>> ListAsync(Viewer viewer, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<CampaignView?> GetAsync(Viewer viewer, Guid id, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
