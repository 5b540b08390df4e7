using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using PolicyGradient.Approximators;
using PolicyGradient.Policies;

namespace PolicyGradient.Training;

/// <summary>A checkpoint file that cannot be read: corrupted, truncated, of another version, or inconsistent.</summary>
public sealed class CheckpointException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CheckpointException()
    {
    }

    /// <summary>Creates the exception with a message saying what is wrong.</summary>
    public CheckpointException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    public CheckpointException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Saves and loads policies as JSON: format version, policy kind (softmax / gaussian), approximator (linear / mlp)
/// with its sizes and activation, the log σ settings, θ, and optional string metadata. Doubles are written in their
/// shortest round-trip form, so a round trip is bitwise exact. A save writes a temporary file beside the target and
/// renames it into place, so a crash never leaves a half-written file over a good checkpoint.
/// </summary>
public static class Checkpoint
{
    /// <summary>The format version this code writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>Writes <paramref name="policy"/> to <paramref name="path"/> atomically.</summary>
    /// <exception cref="ArgumentException">The policy's approximator is not a <see cref="LinearMap"/> or <see cref="Mlp"/>.</exception>
    public static void Save(Policy policy, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string temporary = full + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            File.WriteAllBytes(temporary, Serialize(policy, metadata));
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>Reads a policy written by <see cref="Save"/>.</summary>
    /// <exception cref="CheckpointException">The file is corrupted, truncated, of another version, or inconsistent.</exception>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    public static Policy Load(string path) => Load(path, out _);

    /// <summary>Reads a policy and its metadata.</summary>
    /// <exception cref="CheckpointException">The file is corrupted, truncated, of another version, or inconsistent.</exception>
    public static Policy Load(string path, out IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Deserialize(File.ReadAllBytes(path), out metadata);
    }

    /// <summary>The checkpoint of <paramref name="policy"/> as UTF-8 JSON.</summary>
    public static byte[] Serialize(Policy policy, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("formatVersion", FormatVersion);
            json.WriteString("kind", policy is SoftmaxPolicy ? "softmax" : "gaussian");
            json.WriteNumber("observationSize", policy.ObservationSize);
            json.WriteNumber("outputSize", policy.Approximator.OutputSize);
            switch (policy.Approximator)
            {
                case LinearMap:
                    json.WriteString("approximator", "linear");
                    break;
                case Mlp mlp:
                    json.WriteString("approximator", "mlp");
                    json.WriteString("activation", mlp.Activation == Activation.Tanh ? "tanh" : "relu");
                    json.WriteStartArray("hiddenSizes");
                    foreach (int size in mlp.HiddenSizes)
                    {
                        json.WriteNumberValue(size);
                    }

                    json.WriteEndArray();
                    break;
                default:
                    throw new ArgumentException($"Checkpoints store LinearMap and Mlp approximators, not {policy.Approximator.GetType().Name}.", nameof(policy));
            }

            if (policy is GaussianPolicy gaussian)
            {
                json.WriteBoolean("learnLogStd", gaussian.LearnsLogStd);
                var logStd = new double[gaussian.ActionSize];
                gaussian.LogStd(logStd);
                WriteDoubles(json, "logStd", logStd);
            }

            WriteDoubles(json, "parameters", policy.Parameters);
            json.WriteStartObject("metadata");
            foreach (KeyValuePair<string, string> pair in metadata ?? new Dictionary<string, string>())
            {
                json.WriteString(pair.Key, pair.Value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a policy from UTF-8 JSON written by <see cref="Serialize"/>.</summary>
    /// <exception cref="CheckpointException">The content is corrupted, truncated, of another version, or inconsistent.</exception>
    public static Policy Deserialize(ReadOnlySpan<byte> utf8Json, out IReadOnlyDictionary<string, string> metadata)
    {
        if (utf8Json.StartsWith("\uFEFF"u8))
        {
            utf8Json = utf8Json[3..]; // a byte-order mark, as editors on some systems write
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"The checkpoint is not valid JSON (corrupted or truncated): {e.Message}", e);
        }

        using (document)
        {
            try
            {
                return Read(document.RootElement, out metadata);
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
            {
                throw new CheckpointException($"The checkpoint is inconsistent: {e.Message}", e);
            }
        }
    }

    private static Policy Read(JsonElement root, out IReadOnlyDictionary<string, string> metadata)
    {
        int version = root.GetProperty("formatVersion").GetInt32();
        if (version != FormatVersion)
        {
            throw new CheckpointException(string.Create(CultureInfo.InvariantCulture, $"The checkpoint has format version {version}; this library reads version {FormatVersion}."));
        }

        string kind = root.GetProperty("kind").GetString() ?? string.Empty;
        int n = root.GetProperty("observationSize").GetInt32(), m = root.GetProperty("outputSize").GetInt32();
        string approximatorKind = root.GetProperty("approximator").GetString() ?? string.Empty;
        IApproximator approximator = approximatorKind switch
        {
            "linear" => new LinearMap(n, m),
            "mlp" => new Mlp(
                n,
                root.GetProperty("hiddenSizes").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                m,
                root.GetProperty("activation").GetString() switch
                {
                    "tanh" => Activation.Tanh,
                    "relu" => Activation.Relu,
                    var other => throw new CheckpointException($"Unknown activation '{other}' (expected tanh or relu)."),
                }),
            _ => throw new CheckpointException($"Unknown approximator '{approximatorKind}' (expected linear or mlp)."),
        };
        Policy policy = kind switch
        {
            "softmax" => new SoftmaxPolicy(approximator, 0),
            "gaussian" => new GaussianPolicy(approximator, 0, ReadDoubles(root, "logStd") is [var first, ..] ? first : 0, root.GetProperty("learnLogStd").GetBoolean()),
            _ => throw new CheckpointException($"Unknown policy kind '{kind}' (expected softmax or gaussian)."),
        };
        if (policy is GaussianPolicy { LearnsLogStd: false } fixedStd)
        {
            double[] logStd = ReadDoubles(root, "logStd");
            if (logStd.Length != fixedStd.ActionSize || logStd.Distinct().Count() != 1)
            {
                throw new CheckpointException("A fixed log σ must have ActionSize equal entries.");
            }
        }

        double[] theta = ReadDoubles(root, "parameters");
        if (theta.Length != policy.ParameterCount)
        {
            throw new CheckpointException(string.Create(CultureInfo.InvariantCulture, $"The checkpoint holds {theta.Length} parameters; its policy shape needs {policy.ParameterCount}."));
        }

        if (theta.Any(v => !double.IsFinite(v)))
        {
            throw new CheckpointException("The checkpoint's parameters contain a NaN or infinite value.");
        }

        theta.CopyTo(policy.Parameters);
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("metadata", out JsonElement metadataElement))
        {
            foreach (JsonProperty property in metadataElement.EnumerateObject())
            {
                meta[property.Name] = property.Value.GetString() ?? string.Empty;
            }
        }

        metadata = meta;
        return policy;
    }

    private static void WriteDoubles(Utf8JsonWriter json, string name, ReadOnlySpan<double> values)
    {
        json.WriteStartArray(name);
        foreach (double v in values)
        {
            json.WriteNumberValue(v); // shortest round-trip representation
        }

        json.WriteEndArray();
    }

    private static double[] ReadDoubles(JsonElement root, string name) =>
        root.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();

    /// <summary>A short description of a checkpoint's policy, e.g. "mlp-softmax 4→[64, 64]→2".</summary>
    public static string Describe(Policy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var text = new StringBuilder();
        text.Append(policy.Approximator is Mlp ? "mlp" : "linear").Append(policy is SoftmaxPolicy ? "-softmax " : "-gaussian ");
        text.Append(policy.ObservationSize.ToString(CultureInfo.InvariantCulture));
        if (policy.Approximator is Mlp mlp)
        {
            text.Append("→[").Append(string.Join(", ", mlp.HiddenSizes)).Append(']');
        }

        return text.Append('→').Append(policy.Approximator.OutputSize.ToString(CultureInfo.InvariantCulture)).ToString();
    }
}
