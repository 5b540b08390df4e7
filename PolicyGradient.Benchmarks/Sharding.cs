using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Spectre.Console.Cli;

namespace PolicyGradient.Benchmarks;

/// <summary>
/// The K-th (1-based) of N deterministic slices of a grid of independent cells: cell i belongs to shard
/// (i mod N) + 1, so every shard gets a similar mix of estimators and seeds.
/// </summary>
internal readonly record struct Shard(int Index, int Count)
{
    public static Shard Whole => new(1, 1);

    public bool IsWhole => Count == 1;

    public string FileName => string.Create(CultureInfo.InvariantCulture, $"shard-{Index}-of-{Count}.json");

    public static Shard Parse(string? text)
    {
        if (text is null)
        {
            return Whole;
        }

        string[] parts = text.Split('/');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int k)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            && n >= 1 && k >= 1 && k <= n
            ? new Shard(k, n)
            : throw new UsageException($"--shard must be K/N with 1 ≤ K ≤ N, e.g. 2/8; not '{text}'.");
    }

    public bool Owns(int cell) => cell % Count == Index - 1;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}

/// <summary>The raw results of one shard (or of a whole grid): what <c>merge</c> reads.</summary>
/// <param name="Command">compare or variance.</param>
/// <param name="Grid">Everything that defines the grid; shards merge only with the same grid.</param>
/// <param name="Shard">K of K/N.</param>
/// <param name="Shards">N of K/N.</param>
/// <param name="Cells">The cells this shard ran, by index.</param>
internal sealed record ShardFile<TGrid, TCell>(string Command, TGrid Grid, int Shard, int Shards, Dictionary<int, TCell> Cells)
{
    private static readonly JsonSerializerOptions Compact = new(Output.Json) { WriteIndented = false };

    public static ShardFile<TGrid, TCell> Run(string command, TGrid grid, int cellCount, Shard shard, Func<int, TCell> run)
    {
        var cells = new Dictionary<int, TCell>();
        for (int i = 0; i < cellCount; i++)
        {
            if (shard.Owns(i))
            {
                cells[i] = run(i);
            }
        }

        return new ShardFile<TGrid, TCell>(command, grid, shard.Index, shard.Count, cells);
    }

    /// <summary>The grid and all its cells in order, from shard files that together hold every cell exactly once.</summary>
    public static (TGrid Grid, TCell[] Cells) Merge(IReadOnlyList<string> paths, Func<TGrid, int> cellCount)
    {
        var files = paths.Select(path => (Path: path, File: Read(path))).ToList();
        string grid = JsonSerializer.Serialize(files[0].File.Grid, Output.Json);
        (string path, ShardFile<TGrid, TCell> file) = files.FirstOrDefault(f => JsonSerializer.Serialize(f.File.Grid, Output.Json) != grid);
        if (file is not null)
        {
            throw new UsageException($"'{path}' is a shard of another grid than '{files[0].Path}' (other settings, estimators or seeds).");
        }

        int count = cellCount(files[0].File.Grid);
        var cells = new TCell?[count];
        var from = new string?[count];
        foreach ((string p, ShardFile<TGrid, TCell> f) in files)
        {
            foreach ((int index, TCell cell) in f.Cells)
            {
                if (index < 0 || index >= count)
                {
                    throw new InvalidDataException($"'{p}' holds cell {index}; the grid has {count}.");
                }

                if (from[index] is { } earlier)
                {
                    throw new UsageException($"'{p}' and '{earlier}' both hold cell {index}; give each shard once.");
                }

                cells[index] = cell;
                from[index] = p;
            }
        }

        int[] missing = Enumerable.Range(0, count).Where(i => from[i] is null).ToArray();
        if (missing.Length > 0)
        {
            throw new UsageException($"the shards given lack {missing.Length} of {count} cells (first: {missing[0]}); give every shard K/{files[0].File.Shards}.");
        }

        return (files[0].File.Grid, cells.Select(c => c!).ToArray());
    }

    // compact: raw results are for merge, not for reading
    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Compact));

    private static ShardFile<TGrid, TCell> Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<ShardFile<TGrid, TCell>>(File.ReadAllText(path), Output.Json) ?? throw new InvalidDataException($"'{path}' is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a shard file ({e.Message}).", e);
        }
    }
}

/// <summary><c>merge</c>: the table, CSV and plot of a sharded <c>compare</c> or <c>variance</c>, identical to the unsharded run's.</summary>
internal sealed class MergeCommand : Command<MergeCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILES>")]
        [Description("The shard files (shard-K-of-N.json) written by compare or variance --shard K/N.")]
        public string[] Files { get; init; } = [];

        [CommandOption("--out <DIR>")]
        [Description("Directory for the merged outputs; created if missing. Default: merge-out.")]
        public string Out { get; init; } = "merge-out";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        foreach (string file in settings.Files)
        {
            Paths.CheckInputFile("merge", file);
        }

        Paths.CheckOutputDirectory("--out", settings.Out);
        string command;
        try
        {
            using JsonDocument first = JsonDocument.Parse(File.ReadAllText(settings.Files[0]));
            command = first.RootElement.TryGetProperty(nameof(ShardFile<int, int>.Command), out JsonElement c) ? c.GetString() ?? string.Empty : string.Empty;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{settings.Files[0]}' is not a shard file ({e.Message}).", e);
        }

        return command switch
        {
            CompareCommand.Name => CompareCommand.Merge(settings.Files, settings.Out, Console.Out),
            VarianceCommand.Name => VarianceCommand.Merge(settings.Files, settings.Out, Console.Out),
            _ => throw new InvalidDataException($"'{settings.Files[0]}' is not a shard file of compare or variance."),
        };
    }
}
