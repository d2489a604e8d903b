using DnsCert.Core.Accounts;

namespace DnsCert.Core.Tests.Accounts;

public class PasswordGeneratorTests
{
    [Fact]
    public void Generated_passwords_have_the_length_and_avoid_look_alike_characters()
    {
        for (var i = 0; i < 200; i++)
        {
            var password = PasswordGenerator.Generate();
            password.Length.ShouldBe(PasswordGenerator.DefaultLength);
            password.IndexOfAny(['0', 'O', '1', 'l', 'I']).ShouldBe(-1);
        }
    }

    [Fact]
    public void Generated_passwords_do_not_repeat()
    {
        Enumerable.Range(0, 1000).Select(_ => PasswordGenerator.Generate()).Distinct().Count().ShouldBe(1000);
    }

    [Fact]
    public void Too_short_a_password_is_refused()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => PasswordGenerator.Generate(8));
    }
}
