using DnsCert.Web.Localization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Account;

/// <summary>The language switcher: remembers the choice in a cookie for a year.</summary>
public sealed class LanguageModel : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public IActionResult OnPost(string language, string? returnUrl)
    {
        if (LocalizationSetup.Languages.Contains(language))
        {
            Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(language)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), HttpOnly = true, Secure = true, SameSite = SameSiteMode.Lax, IsEssential = true });
        }

        return LocalRedirect(SignInModel.SafeReturn(returnUrl));
    }
}
