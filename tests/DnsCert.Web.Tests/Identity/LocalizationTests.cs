using System.Xml.Linq;
using DnsCert.TestSupport;
using DnsCert.Web.Localization;

namespace DnsCert.Web.Tests.Identity;

public class LocalizationTests
{
    private static Dictionary<string, string> Strings(string language)
    {
        var file = Path.Combine(RepoPaths.Root, "src", "DnsCert.Web", "Resources", "Localization", language == "en" ? "SharedResource.resx" : $"SharedResource.{language}.resx");
        return XDocument.Load(file).Root!.Elements("data").ToDictionary(e => (string)e.Attribute("name")!, e => (string)e.Element("value")!);
    }

    [Fact]
    public void Every_ui_string_exists_in_every_language_and_is_not_empty()
    {
        var english = Strings("en");
        english.Count.ShouldBeGreaterThan(40);
        foreach (var language in LocalizationSetup.Languages.Where(l => l != "en"))
        {
            var translated = Strings(language);
            translated.Keys.ShouldBe(english.Keys, ignoreOrder: true, $"keys of {language}");
            translated.Values.ShouldAllBe(v => !string.IsNullOrWhiteSpace(v));
        }
    }

    [Fact]
    public void Placeholders_survive_translation()
    {
        var english = Strings("en");
        foreach (var language in LocalizationSetup.Languages.Where(l => l != "en"))
        {
            var translated = Strings(language);
            foreach (var (key, value) in english.Where(e => e.Value.Contains("{0}", StringComparison.Ordinal)))
            {
                translated[key].ShouldContain("{0}", customMessage: $"{language}:{key}");
            }
        }
    }

    [Fact]
    public void Translations_are_translations_not_copies_of_english_for_most_strings()
    {
        var english = Strings("en");
        foreach (var language in LocalizationSetup.Languages.Where(l => l != "en"))
        {
            var same = Strings(language).Count(t => t.Value == english[t.Key]);
            same.ShouldBeLessThan(english.Count / 5, $"{language} repeats English in {same} strings");
        }
    }
}
