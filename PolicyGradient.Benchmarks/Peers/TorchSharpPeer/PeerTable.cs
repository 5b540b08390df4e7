using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PolicyGradient.Benchmarks.Peers;

/// <summary>
/// <c>--table [folder]</c>: the Markdown tables of docs/peers.md from one run's brief JSON reports
/// (PeerBenchmarks and FmaPeakBenchmarks, default folder BenchmarkDotNet.Artifacts/results): per B and library ×
/// precision the median, per-row time, GFLOP/s at 26,880 flops per row, share of the same run's FP64 FMA peak
/// (one core per thread) and the ratio TorchSharp / ours.
/// </summary>
internal static class PeerTable
{
    private const double FlopsPerRow = 26_880;
    private static readonly string[] Methods = ["Ours_f64", "TorchSharp_f64", "TorchSharp_f32"];

    public static int Write(string folder)
    {
        string peerPath = Directory.GetFiles(folder, "*PeerBenchmarks-report-brief.json").Single();
        string peakPath = Directory.GetFiles(folder, "*FmaPeakBenchmarks-report-brief.json").Single();
        using JsonDocument peak = JsonDocument.Parse(File.ReadAllText(peakPath));
        double peakMedian = peak.RootElement.GetProperty("Benchmarks")[0].GetProperty("Statistics").GetProperty("Median").GetDouble();
        double peakGflops = PeakBenchmarks.Flops / peakMedian; // flops per ns = GFLOP/s
        var rows = new List<(int B, int Threads, string Method, double Median, double Allocated)>();
        using JsonDocument peer = JsonDocument.Parse(File.ReadAllText(peerPath));
        foreach (JsonElement benchmark in peer.RootElement.GetProperty("Benchmarks").EnumerateArray())
        {
            Dictionary<string, int> parameters = benchmark.GetProperty("Parameters").GetString()!
                .Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture));
            rows.Add((parameters["B"], parameters["Threads"], benchmark.GetProperty("Method").GetString()!,
                benchmark.GetProperty("Statistics").GetProperty("Median").GetDouble(),
                benchmark.GetProperty("Memory").GetProperty("BytesAllocatedPerOperation").GetDouble()));
        }

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"FmaPeak (same run): median {peakMedian / 1e6:F3} ms = {peakGflops:F1} GFLOP/s FP64 on one core.");
        foreach (int threads in rows.Select(r => r.Threads).Distinct().Order())
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Threads = {threads} (peak for the share: {threads} × {peakGflops:F1} GFLOP/s)");
            text.AppendLine();
            text.AppendLine("| B | library, precision | median | per row | GFLOP/s | % of FP64 peak | TorchSharp / ours (time) | allocated / op |");
            text.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|");
            foreach (int b in rows.Select(r => r.B).Distinct().Order())
            {
                double ours = rows.Single(r => r.B == b && r.Threads == threads && r.Method == Methods[0]).Median;
                foreach (string method in Methods)
                {
                    var row = rows.Single(r => r.B == b && r.Threads == threads && r.Method == method);
                    double gflops = FlopsPerRow * b / row.Median;
                    string ratio = method == Methods[0] ? "1" : (row.Median / ours).ToString("F2", CultureInfo.InvariantCulture);
                    text.AppendLine(CultureInfo.InvariantCulture,
                        $"| {b:N0} | {Label(method)} | {Time(row.Median)} | {Time(row.Median / b)} | {gflops:F2} | {100 * gflops / (threads * peakGflops):F1} % | {ratio} | {row.Allocated:N0} B |");
                }
            }
        }

        Console.Write(text.ToString());
        return 0;
    }

    private static string Label(string method) => method switch
    {
        "Ours_f64" => "ours f64",
        "TorchSharp_f64" => "TorchSharp f64",
        _ => "TorchSharp f32",
    };

    private static string Time(double nanoseconds) => nanoseconds switch
    {
        >= 1e6 => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1e6:F2} ms"),
        >= 1e3 => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1e3:F2} µs"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds:F1} ns"),
    };
}
