namespace PolicyGradient.Approximators;

/// <summary>The elementwise nonlinearity of an <see cref="Mlp"/>'s hidden layers.</summary>
public enum Activation
{
    /// <summary>tanh(x), with derivative 1 − tanh²(x). The default.</summary>
    Tanh,

    /// <summary>max(x, 0), with derivative 1 for x &gt; 0 and 0 otherwise.</summary>
    Relu,
}
