namespace DnsCert.Web.Localization;

/// <summary>Marker for the console's UI strings in <c>Resources/SharedResource.*.resx</c>.</summary>
#pragma warning disable CA1812 // Never instantiated: only its name ties IStringLocalizer to the resource files.
public sealed class SharedResource;
#pragma warning restore CA1812
