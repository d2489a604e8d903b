namespace DnsCert.Core.Notifications;

/// <summary>
/// A file a notification carries (a campaign request's slice as CSV): two item values. Mail sends it as an attachment
/// beside the text (multipart/mixed, inside the signature); a webhook receives it in the item as it is.
/// </summary>
public static class NotificationAttachments
{
    public const string NameKey = "attachment_name";

    public const string ContentKey = "attachment_content";

    /// <summary>Largest attachment content kept in a directive item (a slice of a million names is split by day anyway).</summary>
    public const int MaxContentLength = 16 * 1024 * 1024;
}
