using System.Globalization;
using System.Text;
using PolicyGradient.Training;

namespace PolicyGradient.Benchmarks;

/// <summary>
/// One estimator's learning curve: quartiles over seeds of the last-100 mean return on a common grid of environment
/// steps. The grid starts where every run (of every estimator) has reported, so no point lacks data.
/// </summary>
internal sealed record LearningCurve(string Name, long[] Steps, double[] Q25, double[] Median, double[] Q75)
{
    private const int Points = 101;

    public static IReadOnlyList<LearningCurve> Compute(IReadOnlyList<(string Name, IReadOnlyList<TrainingResult> Runs)> estimators)
    {
        TrainingResult[] all = estimators.SelectMany(e => e.Runs).ToArray();
        long start = all.Max(r => r.History[0].EnvironmentSteps), end = all.Max(r => r.History[^1].EnvironmentSteps);
        long[] grid = Enumerable.Range(0, Points).Select(i => start + ((end - start) * i / (Points - 1))).ToArray();
        return estimators.Select(e =>
        {
            double[][] perRun = e.Runs.Select(r => Resample(r, grid)).ToArray();
            double[] Quartile(double q) => grid.Select((_, g) => CompareCommand.Quantile(perRun.Select(v => v[g]).Order().ToArray(), q)).ToArray();
            return new LearningCurve(e.Name, grid, Quartile(0.25), Quartile(0.5), Quartile(0.75));
        }).ToList();
    }

    public static void WriteCsv(string path, IEnumerable<LearningCurve> curves)
    {
        var csv = new StringBuilder("estimator,env_steps,q25,median,q75\n");
        foreach (LearningCurve c in curves)
        {
            for (int g = 0; g < c.Steps.Length; g++)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{c.Name},{c.Steps[g]},{c.Q25[g]:R},{c.Median[g]:R},{c.Q75[g]:R}\n");
            }
        }

        File.WriteAllText(path, csv.ToString());
    }

    // the last-100 mean at each grid point, carried forward after the run stops (a solved run stays solved)
    private static double[] Resample(TrainingResult run, long[] grid)
    {
        var values = new double[grid.Length];
        int h = 0;
        for (int g = 0; g < grid.Length; g++)
        {
            while (h + 1 < run.History.Count && run.History[h + 1].EnvironmentSteps <= grid[g])
            {
                h++;
            }

            values[g] = run.History[h].RecentMeanReturn;
        }

        return values;
    }
}

/// <summary>Learning curves: the median of each estimator over seeds, its interquartile band, and the solve threshold.</summary>
internal static class LearningCurvePlot
{
    public static void Write(string path, string env, int seeds, double? target, IReadOnlyList<LearningCurve> curves)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int c = 0; c < curves.Count; c++)
        {
            ScottPlot.Color color = palette.GetColor(c);
            double[] steps = curves[c].Steps.Select(s => (double)s).ToArray();
            var band = plot.Add.FillY(steps, curves[c].Q75, curves[c].Q25);
            band.FillColor = color.WithAlpha(0.2);
            band.LineWidth = 0;
            var line = plot.Add.ScatterLine(steps, curves[c].Median);
            line.Color = color;
            line.LineWidth = 2;
            line.LegendText = curves[c].Name;
        }

        if (target is { } threshold)
        {
            var line = plot.Add.HorizontalLine(threshold);
            line.Color = ScottPlot.Colors.Black.WithAlpha(0.6);
            line.LinePattern = ScottPlot.LinePattern.Dashed;
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"solved: last-100 mean ≥ {threshold}");
        }

        plot.Title(string.Create(CultureInfo.InvariantCulture, $"{env}: median and interquartile range over {seeds} seeds"));
        plot.XLabel("environment steps");
        plot.YLabel("mean return of the last 100 training episodes");
        plot.ShowLegend(ScottPlot.Edge.Bottom);
        plot.SavePng(path, 900, 640);
    }
}
