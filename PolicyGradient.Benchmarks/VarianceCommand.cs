using System.ComponentModel;
using System.Globalization;
using System.Text;
using PolicyGradient.Analysis;
using PolicyGradient.Environments;
using PolicyGradient.Estimators;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;
using Spectre.Console.Cli;

namespace PolicyGradient.Benchmarks;

/// <summary>A variance grid: one cell per estimator, all at the same fixed policy and batches.</summary>
internal sealed record VarianceGrid(string Env, int Batches, int Episodes, int Seed, string[] Estimators);

/// <summary>One estimator's statistics; the bias only where the task has an exact gradient.</summary>
internal sealed record VarianceCell(double TotalVariance, double? Bias, double? MaxBiasInStandardErrors);

/// <summary>
/// <c>variance</c>: M batches of N episodes at a fixed, seeded policy; per estimator the total variance tr Cov ĝ and,
/// where the task has an exact gradient (TabularMdp-v0, Bandit-v0), the bias. Each estimator sees the same batches, so
/// the estimators are independent cells that <c>--shard K/N</c> can split.
/// </summary>
internal sealed class VarianceCommand : Command<VarianceCommand.Settings>
{
    public const string Name = "variance";

    public sealed class Settings : CommandSettings
    {
        [CommandOption("--env <ID>")]
        [Description("Task id. Default: TabularMdp-v0 (which has an exact gradient, so the bias is shown).")]
        public string Env { get; init; } = "TabularMdp-v0";

        [CommandOption("--batches <M>")]
        [Description("Batches, ≥ 2. Default: 1000.")]
        public int Batches { get; init; } = 1000;

        [CommandOption("--episodes <N>")]
        [Description("Episodes per batch, ≥ 2 (leave-one-out estimators). Default: 10.")]
        public int Episodes { get; init; } = 10;

        [CommandOption("--seed <K>")]
        [Description("Seed of the fixed policy and of the batches; any integer. Default: 1.")]
        public int Seed { get; init; } = 1;

        [CommandOption("--estimators <LIST>")]
        [Description("Comma-separated estimator names <returns>[[+<baseline>]][[+loo]][[+norm]]. Default: the eleven well-known ones (total, …, reward-to-go+optimal-per-step+loo, reward-to-go+value).")]
        public string? Estimators { get; init; }

        [CommandOption("--report <FILE>")]
        [Description("Write a JSON report to FILE, in an existing directory.")]
        public string? Report { get; init; }

        [CommandOption("--out <DIR>")]
        [Description("Also write table.md, report.json and the raw runs.json into DIR (created if missing); required with --shard.")]
        public string? Out { get; init; }

        [CommandOption("--shard <K/N>")]
        [Description("Run only the K-th of N slices of the estimators and write DIR/shard-K-of-N.json, for merge. Default: all.")]
        public string? Shard { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Tasks.Check("--env", settings.Env);
        if (settings.Batches < 2 || settings.Episodes < 2)
        {
            throw new UsageException(settings.Batches < 2 ? string.Create(CultureInfo.InvariantCulture, $"--batches must be ≥ 2, not {settings.Batches}.") : string.Create(CultureInfo.InvariantCulture, $"--episodes must be ≥ 2 (leave-one-out estimators), not {settings.Episodes}."));
        }

        string[] names = EstimatorList.Parse(settings.Estimators, EstimatorNames.WellKnown, 1.0).Select(e => e.Name).ToArray();

        Shard shard = Benchmarks.Shard.Parse(settings.Shard);
        Paths.CheckOutputFile("--report", settings.Report);
        if (settings.Out is null && !shard.IsWhole)
        {
            throw new UsageException("--shard needs --out DIR for the shard's raw results.");
        }

        if (settings.Out is not null)
        {
            Paths.CheckOutputDirectory("--out", settings.Out);
        }

        var grid = new VarianceGrid(settings.Env, settings.Batches, settings.Episodes, settings.Seed, names);
        var file = ShardFile<VarianceGrid, VarianceCell>.Run(Name, grid, names.Length, shard, i => RunCell(grid, i));
        if (!shard.IsWhole)
        {
            file.Write(Path.Combine(settings.Out!, shard.FileName));
            Console.WriteLine($"wrote {Path.Combine(settings.Out!, shard.FileName)} ({file.Cells.Count} of {names.Length} estimators); combine the shards with: merge --out DIR shard-*-of-{shard.Count}.json");
            return 0;
        }

        VarianceCell[] cells = file.Cells.OrderBy(c => c.Key).Select(c => c.Value).ToArray();
        if (settings.Out is not null)
        {
            file.Write(Path.Combine(settings.Out, "runs.json"));
            WriteOutputs(grid, cells, settings.Out, Console.Out);
        }
        else
        {
            Console.Write(Table(grid, cells));
        }

        if (settings.Report is not null)
        {
            Output.WriteJson(settings.Report, Report(grid, cells));
        }

        return 0;
    }

    public static int Merge(IReadOnlyList<string> files, string directory, TextWriter output)
    {
        (VarianceGrid grid, VarianceCell[] cells) = ShardFile<VarianceGrid, VarianceCell>.Merge(files, g => g.Estimators.Length);
        WriteOutputs(grid, cells, directory, output);
        return 0;
    }

    private static void WriteOutputs(VarianceGrid grid, VarianceCell[] cells, string directory, TextWriter output)
    {
        string table = Table(grid, cells);
        File.WriteAllText(Path.Combine(directory, "table.md"), table);
        Output.WriteJson(Path.Combine(directory, "report.json"), Report(grid, cells));
        output.Write(table);
        output.WriteLine($"wrote {Path.Combine(directory, "table.md")} and report.json");
    }

    private static object Report(VarianceGrid grid, VarianceCell[] cells) => new
    {
        env = grid.Env,
        batches = grid.Batches,
        episodes = grid.Episodes,
        seed = grid.Seed,
        estimators = cells.Select((c, i) => new { name = grid.Estimators[i], advantages = Scale(grid.Estimators[i]), totalVariance = c.TotalVariance, bias = c.Bias, maxBiasInStandardErrors = c.MaxBiasInStandardErrors }),
    };

    private static string Scale(string estimator) => EstimatorNames.Parse(estimator).Normalize ? "normalised" : "raw";

    private static string Table(VarianceGrid grid, VarianceCell[] cells)
    {
        bool exact = cells.Any(c => c.Bias is not null);
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"{grid.Env}: {grid.Batches} batches of {grid.Episodes} episodes, linear policy, seed {grid.Seed}\n\n");
        md.Append(exact ? "| estimator | advantages | tr Cov ĝ, on the advantages' scale | ‖bias‖ | max \\|bias\\|/SE |\n|---|---|---:|---:|---:|\n" : "| estimator | advantages | tr Cov ĝ, on the advantages' scale |\n|---|---|---:|\n");
        for (int i = 0; i < cells.Length; i++)
        {
            VarianceCell c = cells[i];
            md.Append(CultureInfo.InvariantCulture, $"| {grid.Estimators[i]} | {Scale(grid.Estimators[i])} | {c.TotalVariance:G4} |");
            md.Append(exact ? string.Create(CultureInfo.InvariantCulture, $" {c.Bias:G3} | {c.MaxBiasInStandardErrors:F2} |\n") : "\n");
        }

        return md.ToString();
    }

    // the fixed policy, the exact gradient where the task has one, and one estimator's statistics over the batches
    private static VarianceCell RunCell(VarianceGrid grid, int estimator)
    {
        TaskEnvironment task = TaskRegistry.Create(grid.Env);
        Policy policy = PolicyRegistry.CreateForTask(PolicyRegistry.HeadsFor(task.ActionSpace)[0], task.ObservationSize, task.ActionSpace, null, grid.Seed);
        var random = new Random(grid.Seed);
        for (int k = 0; k < policy.ParameterCount; k++)
        {
            policy.Parameters[k] = random.NextDouble() - 0.5; // a fixed policy away from uniform
        }

        double[] exact = [];
        if (task is IFiniteMdp model)
        {
            exact = new double[policy.ParameterCount];
            ExactMdp.Gradient(model, policy, exact);
        }

        EstimatorStatistics r = EstimatorAnalysis.Run(new Sampler(() => TaskRegistry.Create(grid.Env)), policy, [EstimatorNames.Parse(grid.Estimators[estimator])], grid.Batches, grid.Episodes, grid.Seed, exact)[0];
        return new VarianceCell(r.TotalVariance, r.BiasNorm, r.MaxBiasInStandardErrors);
    }
}
