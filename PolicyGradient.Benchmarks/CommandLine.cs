using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Spectre.Console.Cli;

namespace PolicyGradient.Benchmarks;

/// <summary>A wrong command line: the message names the option or file and what is accepted. Exit code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Checks a command line against the options its command declares before Spectre binds it: unknown options (with the
/// nearest known one suggested), missing values and values that do not parse as the option's type are usage errors.
/// </summary>
internal static class OptionCheck
{
    public static void Check(string[] args, IReadOnlyDictionary<string, Type> commands)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            return; // Spectre shows the top-level help
        }

        if (!commands.TryGetValue(args[0], out Type? settings))
        {
            string[] known = [.. commands.Keys, "micro"];
            throw new UsageException($"unknown command '{args[0]}'; did you mean {known.MinBy(c => Levenshtein(c, args[0]))}? Commands: {string.Join(", ", known)}.");
        }

        var options = settings.GetProperties()
            .Select(p => (Property: p, Option: p.GetCustomAttribute<CommandOptionAttribute>()))
            .Where(o => o.Option is not null)
            .SelectMany(o => o.Option!.LongNames.Select(name => (Name: name, o.Property, Flag: o.Option.ValueName is null)))
            .ToDictionary(o => o.Name, o => (o.Property, o.Flag));
        bool positional = settings.GetProperties().Any(p => p.GetCustomAttribute<CommandArgumentAttribute>() is not null);
        var seen = new HashSet<PropertyInfo>();
        for (int i = 1; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg is "--help" or "-h" or "-?")
            {
                return;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (!positional)
                {
                    throw new UsageException($"{args[0]}: unexpected argument '{arg}' (options start with --; `{args[0]} --help` lists them).");
                }

                continue;
            }

            string[] parts = arg[2..].Split('=', 2);
            string name = parts[0];
            if (!options.TryGetValue(name, out (PropertyInfo Property, bool Flag) option))
            {
                string nearest = options.Keys.MinBy(known => Levenshtein(known, name))!;
                throw new UsageException($"{args[0]}: unknown option --{name}; did you mean --{nearest}? (`{args[0]} --help` lists the options)");
            }

            if (!seen.Add(option.Property))
            {
                throw new UsageException($"--{name} is given twice; give it once.");
            }

            if (option.Flag)
            {
                continue;
            }

            string? value = parts.Length == 2 ? parts[1] : i + 1 < args.Length ? args[++i] : null;
            if (value is null)
            {
                throw new UsageException($"--{name} needs a value. {Describe(option.Property)}");
            }

            CheckValue(name, value, option.Property);
        }
    }

    private static void CheckValue(string name, string value, PropertyInfo property)
    {
        Type type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        bool ok = type == typeof(int) ? int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            : type == typeof(long) ? long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            : type != typeof(double) || (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d));
        if (!ok)
        {
            string kind = type == typeof(double) ? "a finite number" : "a whole number";
            throw new UsageException($"--{name} expects {kind}, not '{value}'. {Describe(property)}");
        }
    }

    // the help text, without the markup escapes of its brackets
    private static string Describe(PropertyInfo property) =>
        (property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? string.Empty).Replace("[[", "[", StringComparison.Ordinal).Replace("]]", "]", StringComparison.Ordinal);

    /// <summary>Edit distance: insertions, deletions and substitutions.</summary>
    public static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}

/// <summary>Checks files before the work that fills them starts, so that no result is lost at the end.</summary>
internal static class Paths
{
    /// <summary>A file the command will write: not a directory, in an existing directory it can write in.</summary>
    public static void CheckOutputFile(string option, string? path)
    {
        if (path is null)
        {
            return;
        }

        if (Directory.Exists(path))
        {
            throw new UsageException($"{option} '{path}' is a directory; give a file name.");
        }

        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
        {
            throw new UsageException($"{option} '{path}': the directory '{directory}' does not exist.");
        }

        CheckWritable(option, path, directory);
    }

    /// <summary>A directory the command will write into: created if missing, and writable.</summary>
    public static void CheckOutputDirectory(string option, string path)
    {
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option} '{path}' cannot be created as a directory: {e.Message}", e);
        }

        CheckWritable(option, path, path);
    }

    /// <summary>A file the command will read: exists and is not a directory.</summary>
    public static void CheckInputFile(string option, string path)
    {
        if (Directory.Exists(path))
        {
            throw new UsageException($"{option} '{path}' is a directory; give a file.");
        }

        if (!File.Exists(path))
        {
            throw new UsageException($"{option} '{path}': no such file.");
        }
    }

    private static void CheckWritable(string option, string path, string directory)
    {
        try
        {
            using var probe = new FileStream(Path.Combine(directory, $".pg-write-check-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option} '{path}': cannot write in '{directory}' ({e.Message}).", e);
        }
    }
}
