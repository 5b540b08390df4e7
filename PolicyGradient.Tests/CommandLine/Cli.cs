using System.Diagnostics;
using PolicyGradient.Benchmarks;

namespace PolicyGradient.Tests.CommandLine;

/// <summary>What one run of the built executable did.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error)
{
    /// <summary>Standard error's lines, blank ones left out.</summary>
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs PolicyGradient.Benchmarks as a separate process (<c>dotnet PolicyGradient.Benchmarks.dll</c>) in a folder of
/// its own, with CI set (plain progress lines), as a user's shell would.
/// </summary>
public sealed class Cli : IDisposable
{
    private static readonly string Executable = typeof(Program).Assembly.Location;

    public Cli() => Folder = Directory.CreateTempSubdirectory("pg-cli-").FullName;

    /// <summary>The working directory of every run.</summary>
    public string Folder { get; }

    public string this[string name] => Path.Combine(Folder, name);

    public CliResult Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Executable);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["CI"] = "true";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new CliResult(process.ExitCode, output, error.Result);
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

/// <summary>A fresh <see cref="CommandLine.Cli"/> folder per test.</summary>
public abstract class CliFixture
{
    protected Cli Cli { get; private set; } = null!;

    [SetUp]
    public void CreateFolder() => Cli = new Cli();

    [TearDown]
    public void DeleteFolder() => Cli.Dispose();
}
