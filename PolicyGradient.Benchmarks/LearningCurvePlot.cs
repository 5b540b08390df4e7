using PolicyGradient.Training;

namespace PolicyGradient.Benchmarks;

/// <summary>Learning curves: median and interquartile band over seeds of the last-100 mean return against environment steps.</summary>
internal static class LearningCurvePlot
{
    public static void Write(string path, string env, IReadOnlyList<(string Name, List<TrainingResult> Runs)> curves)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        long maxSteps = curves.SelectMany(c => c.Runs).Select(r => r.TotalEnvironmentSteps).DefaultIfEmpty(1).Max();
        double[] grid = Enumerable.Range(0, 101).Select(i => maxSteps * i / 100.0).ToArray();
        for (int c = 0; c < curves.Count; c++)
        {
            ScottPlot.Color color = palette.GetColor(c);
            double[][] perRun = curves[c].Runs.Select(r => Resample(r, grid)).ToArray();
            double[] median = new double[grid.Length], low = new double[grid.Length], high = new double[grid.Length];
            for (int g = 0; g < grid.Length; g++)
            {
                double[] values = perRun.Select(v => v[g]).Where(double.IsFinite).Order().ToArray();
                median[g] = CompareCommand.Quantile(values, 0.5);
                low[g] = CompareCommand.Quantile(values, 0.25);
                high[g] = CompareCommand.Quantile(values, 0.75);
            }

            var band = plot.Add.FillY(grid, high, low);
            band.FillColor = color.WithAlpha(0.2);
            band.LineWidth = 0;
            var line = plot.Add.ScatterLine(grid, median);
            line.Color = color;
            line.LineWidth = 2;
            line.LegendText = curves[c].Name;
        }

        plot.Title($"{env}: median and interquartile range over seeds");
        plot.XLabel("environment steps");
        plot.YLabel("mean return of the last 100 training episodes");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        plot.SavePng(path, 900, 560);
    }

    // the last-100 mean at each grid point (carried forward after the run stops: a solved run stays solved)
    private static double[] Resample(TrainingResult run, double[] grid)
    {
        var values = new double[grid.Length];
        int h = 0;
        double current = double.NaN;
        for (int g = 0; g < grid.Length; g++)
        {
            while (h < run.History.Count && run.History[h].EnvironmentSteps <= grid[g])
            {
                current = run.History[h].RecentMeanReturn;
                h++;
            }

            values[g] = current;
        }

        return values;
    }
}
