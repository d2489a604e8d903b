namespace DnsCert.Web.Hosting;

/// <summary>
/// Where the server's settings come from, lowest precedence first: appsettings.json, environment variables,
/// command-line arguments, then <c>DNSCERT_*</c> variables (<c>DNSCERT_Database__StartupTimeoutSeconds=30</c>) and
/// the short form <c>DNSCERT_DATABASE</c> for the database address, which the operator means to win.
/// </summary>
public static class DnsCertConfiguration
{
    public const string EnvironmentPrefix = "DNSCERT_";
    public const string DatabaseVariable = "DNSCERT_DATABASE";

    public static void AddDnsCertSources(this IConfigurationBuilder configuration)
    {
        configuration.AddEnvironmentVariables(EnvironmentPrefix);
        var database = Environment.GetEnvironmentVariable(DatabaseVariable);
        if (!string.IsNullOrEmpty(database))
        {
            configuration.AddInMemoryCollection([new("Database:ConnectionString", database)]);
        }
    }
}
