using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Localization;

namespace DnsCert.Web.Localization;

/// <summary>
/// The five languages of DESIGN §4. A page is shown in: the language chosen with the switcher (cookie), else the
/// signed-in person's preference, else the browser's Accept-Language, else English. TLP labels are never translated.
/// </summary>
public static class LocalizationSetup
{
    public static IReadOnlyList<string> Languages { get; } = ["en", "fr", "es", "pt", "ar"];

    public static IReadOnlyDictionary<string, string> NativeNames { get; } = new Dictionary<string, string>
    {
        ["en"] = "English",
        ["fr"] = "Français",
        ["es"] = "Español",
        ["pt"] = "Português",
        ["ar"] = "العربية",
    };

    public static IServiceCollection AddDnsCertLocalization(this IServiceCollection services)
    {
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        // Razor would write every non-Latin letter as an entity (&#x62A;): six times the bytes for an Arabic page on
        // a slow link. Text stays text; markup characters are still encoded.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.Configure<RequestLocalizationOptions>(o =>
        {
            var cultures = Languages.Select(l => new CultureInfo(l)).ToList();
            o.DefaultRequestCulture = new RequestCulture("en");
            o.SupportedCultures = cultures;
            o.SupportedUICultures = cultures;
            o.RequestCultureProviders =
            [
                new CookieRequestCultureProvider(),
                new CustomRequestCultureProvider(context =>
                {
                    var language = context.User.FindFirstValue(DnsCertClaims.Language);
                    return Task.FromResult(language is null ? null : new ProviderCultureResult(language));
                }),
                new AcceptLanguageHeaderRequestCultureProvider(),
            ];
        });
        return services;
    }

    /// <summary>Right-to-left scripts among our languages: Arabic.</summary>
    public static bool IsRightToLeft(CultureInfo culture) => culture.TextInfo.IsRightToLeft;
}
