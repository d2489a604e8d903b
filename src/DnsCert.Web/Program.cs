using DnsCert.Web.Hosting;

return await ServerHost.RunAsync(args);

/// <summary>The entry point, visible to the web tests' application factory.</summary>
public partial class Program;
