using System.Globalization;
using System.Text;
using PolicyGradient.Approximators;
using PolicyGradient.Distributions;

namespace PolicyGradient.Policies;

/// <summary>A registered part of a policy by name and settings, as a checkpoint stores it.</summary>
/// <param name="Name">The registry name, e.g. "mlp" or "softmax".</param>
/// <param name="Settings">The settings that rebuild the part, as invariant-culture strings.</param>
public sealed record PartSpec(string Name, IReadOnlyDictionary<string, string> Settings)
{
    /// <summary>The setting <paramref name="key"/>, or a <see cref="FormatException"/> naming the part and key.</summary>
    /// <exception cref="FormatException">The setting is missing.</exception>
    public string Get(string key) =>
        Settings.TryGetValue(key, out string? value) ? value : throw new FormatException($"The {Name} part has no setting '{key}'.");

    /// <summary>The integer setting <paramref name="key"/>.</summary>
    /// <exception cref="FormatException">Missing or not an integer.</exception>
    public int GetInt(string key) => int.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
        ? value
        : throw new FormatException($"The {Name} part's setting '{key}' = '{Get(key)}' is not an integer.");

    /// <summary>The space-separated doubles of setting <paramref name="key"/> (round-trip format).</summary>
    /// <exception cref="FormatException">Missing or not numbers.</exception>
    public double[] GetDoubles(string key) => Get(key).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v =>
        double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) ? x : throw new FormatException($"The {Name} part's setting '{key}' holds '{v}', not a number.")).ToArray();

    /// <summary>The space-separated integers of setting <paramref name="key"/>.</summary>
    /// <exception cref="FormatException">Missing or not integers.</exception>
    public int[] GetInts(string key) => Get(key).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v =>
        int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int x) ? x : throw new FormatException($"The {Name} part's setting '{key}' holds '{v}', not an integer.")).ToArray();
}

/// <summary>
/// The one table of policy parts by name: heads ("softmax", "gaussian", "beta") and approximators ("linear",
/// "mlp"), each with a factory that rebuilds it from its <see cref="PartSpec"/>. Checkpoints and the command line go
/// through it, so adding a head or an approximator is one line here and holds no type switch elsewhere.
/// </summary>
public static class PolicyRegistry
{
    // head name, which action spaces it serves, its approximator output count there, the policy for a task, the policy
    // from a checkpoint's spec; for an action space the first head that serves it is the default
    private static readonly HeadEntry[] Heads =
    [
        new("softmax", s => s.IsDiscrete, s => s.Count, (a, s, o) => new SoftmaxPolicy(a, o.Seed), (a, _) => new SoftmaxPolicy(a, 0)),
        new("gaussian", s => !s.IsDiscrete, s => s.Width, (a, s, o) => new GaussianPolicy(a, o.Seed, o.InitialLogStd), (a, h) => new GaussianPolicy(a, 0, h.GetDoubles("initialLogStd").Single(), bool.Parse(h.Get("learnLogStd")))),
        new("beta", s => s.IsBounded, s => 2 * s.Width, (a, s, o) => new BetaPolicy(a, s.Low.ToArray(), s.High.ToArray(), o.Seed), (a, h) => new BetaPolicy(a, h.GetDoubles("low"), h.GetDoubles("high"), 0)),
    ];

    // approximator name → how to describe an instance and rebuild it
    private static readonly ApproximatorEntry[] Approximators =
    [
        new ApproximatorEntry<LinearMap>("linear", l => [], s => new LinearMap(s.GetInt("inputSize"), s.GetInt("outputSize")), (l, p) => l.FromOutputMajor(p)),
        new ApproximatorEntry<Mlp>(
            "mlp",
            m => new() { ["hiddenSizes"] = string.Join(' ', m.HiddenSizes), ["activation"] = m.Activation.ToString().ToLowerInvariant() },
            s => new Mlp(s.GetInt("inputSize"), s.GetInts("hiddenSizes"), s.GetInt("outputSize"), ParseActivation(s.Get("activation"))),
            (m, p) => m.FromOutputMajor(p)),
    ];

    /// <summary>The registered head names.</summary>
    public static IReadOnlyList<string> HeadNames => Heads.Select(h => h.Name).ToArray();

    /// <summary>The registered approximator names.</summary>
    public static IReadOnlyList<string> ApproximatorNames => Approximators.Select(a => a.Name).ToArray();

    /// <summary>The spec of <paramref name="policy"/>'s head: its name and settings.</summary>
    public static PartSpec DescribeHead(Policy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new PartSpec(policy.Head.Name, policy.Head.Settings);
    }

    /// <summary>The spec of an approximator: its registry name, sizes and settings.</summary>
    /// <exception cref="ArgumentException">The approximator's type is not registered.</exception>
    public static PartSpec DescribeApproximator(IApproximator approximator)
    {
        ArgumentNullException.ThrowIfNull(approximator);
        ApproximatorEntry entry = Approximators.FirstOrDefault(a => a.Type == approximator.GetType())
            ?? throw new ArgumentException($"The approximator type {approximator.GetType().Name} is not registered; registered: {string.Join(", ", ApproximatorNames)}.", nameof(approximator));
        Dictionary<string, string> settings = entry.Settings(approximator);
        settings["inputSize"] = approximator.InputSize.ToString(CultureInfo.InvariantCulture);
        settings["outputSize"] = approximator.OutputSize.ToString(CultureInfo.InvariantCulture);
        return new PartSpec(entry.Name, settings);
    }

    /// <summary>
    /// Rewrites <paramref name="parameters"/> (an approximator's θ) from the layout checkpoint formats 1 and 2 stored,
    /// layer weights output-major, to the approximator's own.
    /// </summary>
    internal static void FromOutputMajor(IApproximator approximator, Span<double> parameters) =>
        (Approximators.FirstOrDefault(a => a.Type == approximator.GetType())
            ?? throw new ArgumentException($"The approximator type {approximator.GetType().Name} is not registered; registered: {string.Join(", ", ApproximatorNames)}.", nameof(approximator)))
        .FromOutputMajor(approximator, parameters);

    /// <summary>Rebuilds a policy (θ freshly initialised) from its approximator and head specs.</summary>
    /// <exception cref="ArgumentException">An unknown name, or settings that do not describe a valid part (missing, malformed or out of range).</exception>
    public static Policy Create(PartSpec approximator, PartSpec head)
    {
        ArgumentNullException.ThrowIfNull(approximator);
        ArgumentNullException.ThrowIfNull(head);
        IApproximator f = CreateApproximator(approximator);
        HeadEntry create = Head(head.Name, nameof(head));
        try
        {
            return create.Restore(f, head);
        }
        catch (FormatException e)
        {
            throw new ArgumentException(e.Message, nameof(head), e);
        }
    }

    /// <summary>Rebuilds an approximator from its spec (<see cref="DescribeApproximator"/>), e.g. a critic's.</summary>
    /// <exception cref="ArgumentException">An unknown name, or settings that do not describe a valid approximator.</exception>
    public static IApproximator CreateApproximator(PartSpec approximator)
    {
        ArgumentNullException.ThrowIfNull(approximator);
        ApproximatorEntry entry = Approximators.FirstOrDefault(a => a.Name == approximator.Name)
            ?? throw new ArgumentException($"Unknown approximator '{approximator.Name}'; registered: {string.Join(", ", ApproximatorNames)}.", nameof(approximator));
        try
        {
            return entry.Create(approximator);
        }
        catch (FormatException e)
        {
            throw new ArgumentException(e.Message, nameof(approximator), e);
        }
    }

    /// <summary>
    /// A new policy with head <paramref name="head"/> for a task with observations of length n and actions
    /// <paramref name="actions"/>: a linear map (<paramref name="hiddenSizes"/> null or empty) or a tanh MLP, sized for
    /// the head (A logits, d means, 2d Beta shapes), θ initialised from the seed.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown head, a head that cannot act in <paramref name="actions"/>, or bad sizes.</exception>
    public static Policy CreateForTask(string head, int observationSize, ActionSpace actions, IReadOnlyList<int>? hiddenSizes, int seed, double initialLogStd = 0)
    {
        IApproximator approximator = CreateApproximatorForTask(head, observationSize, actions, hiddenSizes);
        return Head(head, nameof(head)).Create(approximator, actions, new HeadOptions(seed, initialLogStd));
    }

    /// <summary>
    /// The approximator <see cref="CreateForTask"/> would build, without θ: a cheap check of a head, an action space
    /// and sizes (including the parameter limit of <see cref="ApproximatorLimits"/>) before anything large is allocated.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown head, a head that cannot act in <paramref name="actions"/>, or bad or too large sizes.</exception>
    public static IApproximator CreateApproximatorForTask(string head, int observationSize, ActionSpace actions, IReadOnlyList<int>? hiddenSizes)
    {
        ArgumentNullException.ThrowIfNull(actions);
        HeadEntry entry = Head(head, nameof(head));
        if (!entry.Serves(actions))
        {
            throw new ArgumentException($"The {head} head cannot act in {actions}; heads for it: {string.Join(", ", HeadsFor(actions))}.", nameof(head));
        }

        int outputs = entry.Outputs(actions);
        return hiddenSizes is null || hiddenSizes.Count == 0 ? new LinearMap(observationSize, outputs) : new Mlp(observationSize, hiddenSizes, outputs);
    }

    /// <summary>The registered heads that can act in <paramref name="actions"/>, the default (softmax, then Gaussian) first.</summary>
    public static IReadOnlyList<string> HeadsFor(ActionSpace actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        return Heads.Where(h => h.Serves(actions)).Select(h => h.Name).ToArray();
    }

    /// <summary>"mlp-softmax 4→[64, 64]→2": approximator, head, observation size, hidden sizes, outputs.</summary>
    public static string Describe(Policy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        PartSpec approximator = DescribeApproximator(policy.Approximator);
        var text = new StringBuilder().Append(approximator.Name).Append('-').Append(policy.Head.Name).Append(' ');
        text.Append(policy.ObservationSize.ToString(CultureInfo.InvariantCulture));
        if (approximator.Settings.TryGetValue("hiddenSizes", out string? hidden))
        {
            text.Append("→[").Append(hidden.Replace(" ", ", ", StringComparison.Ordinal)).Append(']');
        }

        return text.Append('→').Append(policy.Approximator.OutputSize.ToString(CultureInfo.InvariantCulture)).ToString();
    }

    private static Activation ParseActivation(string name) =>
        Enum.GetValues<Activation>().FirstOrDefault(a => a.ToString().Equals(name, StringComparison.OrdinalIgnoreCase), (Activation)(-1)) is var a && Enum.IsDefined(a)
            ? a
            : throw new FormatException($"Unknown activation '{name}' (expected {string.Join(" or ", Enum.GetNames<Activation>().Select(n => n.ToLowerInvariant()))}).");

    private static HeadEntry Head(string name, string paramName) =>
        Heads.FirstOrDefault(h => h.Name == name) ?? throw new ArgumentException($"Unknown head '{name}'; registered: {string.Join(", ", HeadNames)}.", paramName);

    private readonly record struct HeadOptions(int Seed, double InitialLogStd);

    private sealed record HeadEntry(string Name, Func<ActionSpace, bool> Serves, Func<ActionSpace, int> Outputs, Func<IApproximator, ActionSpace, HeadOptions, Policy> Create, Func<IApproximator, PartSpec, Policy> Restore);

    private abstract class ApproximatorEntry(string name, Type type)
    {
        public string Name { get; } = name;

        public Type Type { get; } = type;

        public abstract Dictionary<string, string> Settings(IApproximator approximator);

        public abstract IApproximator Create(PartSpec spec);

        public abstract void FromOutputMajor(IApproximator approximator, Span<double> parameters);
    }

    private delegate void LayoutConversion<in T>(T approximator, Span<double> parameters);

    private sealed class ApproximatorEntry<T>(string name, Func<T, Dictionary<string, string>> settings, Func<PartSpec, T> create, LayoutConversion<T> fromOutputMajor) : ApproximatorEntry(name, typeof(T))
        where T : IApproximator
    {
        public override Dictionary<string, string> Settings(IApproximator approximator) => settings((T)approximator);

        public override IApproximator Create(PartSpec spec) => create(spec);

        public override void FromOutputMajor(IApproximator approximator, Span<double> parameters) => fromOutputMajor((T)approximator, parameters);
    }
}
