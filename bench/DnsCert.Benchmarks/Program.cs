using BenchmarkDotNet.Running;
using DnsCert.Benchmarks;

if (args.Length > 0 && args[0] == "notifications")
{
    return await NotificationThroughput.RunAsync(args);
}

if (args.Length > 0 && args[0] == "campaigns")
{
    return await CampaignThroughput.RunAsync(args);
}

if (args.Length > 0 && args[0] == "campaigns-verify")
{
    return await CampaignVerificationThroughput.RunAsync(args);
}

if (args.Length > 0 && args[0] == "probes")
{
    return await ProbeIngestionThroughput.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(MetricsCollectorBenchmarks).Assembly).Run(args);
return 0;
