using BenchmarkDotNet.Running;
using DnsCert.Benchmarks;

BenchmarkSwitcher.FromAssembly(typeof(MetricsCollectorBenchmarks).Assembly).Run(args);
