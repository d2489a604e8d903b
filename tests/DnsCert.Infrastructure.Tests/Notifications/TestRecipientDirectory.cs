using DnsCert.Core.Notifications;

namespace DnsCert.Infrastructure.Tests.Notifications;

/// <summary>
/// A TEST implementation of the constituency port (issue 7 builds the real one): recipients and keys held in memory.
/// </summary>
public sealed class TestRecipientDirectory : IRecipientDirectory
{
    private readonly Dictionary<(Guid, string), List<Recipient>> _recipients = [];

    public TestRecipientDirectory Add(Guid organisationId, string role, Recipient recipient)
    {
        if (!_recipients.TryGetValue((organisationId, role), out var list))
        {
            _recipients[(organisationId, role)] = list = [];
        }

        list.Add(recipient);
        return this;
    }

    public Task<IReadOnlyList<Recipient>> FindRecipientsAsync(Guid organisationId, string contactRole, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Recipient>>(_recipients.TryGetValue((organisationId, contactRole), out var list) ? list : []);

    public Task<string?> FindOpenPgpKeyByAddressAsync(string address, CancellationToken cancellationToken) =>
        Task.FromResult(_recipients.Values.SelectMany(l => l).FirstOrDefault(r => string.Equals(r.Address, address, StringComparison.OrdinalIgnoreCase))?.OpenPgpPublicKey);
}
