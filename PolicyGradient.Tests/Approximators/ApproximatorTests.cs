using PolicyGradient.Approximators;
using static PolicyGradient.Tests.Numerics.Bits;
using static PolicyGradient.Tests.TestData;

namespace PolicyGradient.Tests.Approximators;

/// <summary>
/// A single row is a batch of one: the row passes give the bits of that row inside any batch, and a sum of row
/// gradients gives the bits of the batched gradient. Sizes past the documented limits are refused with an
/// <see cref="ArgumentException"/> before anything is allocated.
/// </summary>
[TestFixture]
[Category("Kernels")]
public class ApproximatorTests
{
    public static IEnumerable<IApproximator> Approximators =>
    [
        new Mlp(4, [64, 64], 2),
        new Mlp(3, [64, 64], 1, Activation.Relu),
        new Mlp(5, [7, 9, 3], 6),
        new Mlp(2, [], 3),
        new LinearMap(4, 2),
        new LinearMap(64, 17),
    ];

    [TestCaseSource(nameof(Approximators))]
    public void Row_forward_gives_the_bits_of_that_row_in_any_batch(IApproximator f)
    {
        const int Batch = 70;
        var random = new Random(31);
        double[] theta = Uniform(random, f.ParameterCount), input = Uniform(random, Batch * f.InputSize, -2, 2);
        var batched = new double[Batch * f.OutputSize];
        f.ForwardBatched(Batch, theta, input, batched, f.CreateWorkspace(Batch));
        var rowOutput = new double[f.OutputSize];
        var rowWorkspace = new double[f.RowWorkspaceSize];
        for (int r = 0; r < Batch; r++)
        {
            f.Forward(theta, input.AsSpan(r * f.InputSize, f.InputSize), rowOutput, rowWorkspace);
            AssertBitwiseEqual(batched.AsSpan(r * f.OutputSize, f.OutputSize), rowOutput, $"row {r}");
        }

        var pieces = new double[Batch * f.OutputSize];
        ApproximatorWorkspace small = f.CreateWorkspace(9);
        for (int start = 0; start < Batch; start += 9)
        {
            int rows = Math.Min(9, Batch - start);
            f.ForwardBatched(rows, theta, input.AsSpan(start * f.InputSize, rows * f.InputSize), pieces.AsSpan(start * f.OutputSize, rows * f.OutputSize), small);
        }

        AssertBitwiseEqual(batched, pieces, "batches of 9");
    }

    [TestCaseSource(nameof(Approximators))]
    public void Row_gradients_accumulated_row_by_row_give_the_bits_of_the_batched_gradient(IApproximator f)
    {
        const int Batch = 70;
        var random = new Random(32);
        double[] theta = Uniform(random, f.ParameterCount), input = Uniform(random, Batch * f.InputSize, -2, 2);
        double[] outputGradient = Uniform(random, Batch * f.OutputSize), start = Uniform(random, f.ParameterCount);
        double[] batched = (double[])start.Clone(), rows = (double[])start.Clone();
        ApproximatorWorkspace workspace = f.CreateWorkspace(Batch);
        f.ForwardBatched(Batch, theta, input, new double[Batch * f.OutputSize], workspace);
        f.BackwardBatchedAccumulate(Batch, theta, input, outputGradient, batched, workspace);
        var rowWorkspace = new double[f.RowWorkspaceSize];
        var output = new double[f.OutputSize];
        for (int r = 0; r < Batch; r++)
        {
            ReadOnlySpan<double> s = input.AsSpan(r * f.InputSize, f.InputSize);
            f.Forward(theta, s, output, rowWorkspace);
            f.BackwardAccumulate(theta, s, outputGradient.AsSpan(r * f.OutputSize, f.OutputSize), rows, rowWorkspace);
        }

        AssertBitwiseEqual(batched, rows, f.GetType().Name);
    }

    [Test]
    public void Sizes_whose_parameter_count_passes_the_limit_are_refused_with_an_argument_exception()
    {
        Assert.Multiple(() =>
        {
            // 4·65536 + 65536² + … wraps to 524,290 in 32 bits; the true count is 4,295,360,514.
            Assert.That(() => new Mlp(4, [65536, 65536], 2), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("hiddenSizes"));
            Assert.That(() => new LinearMap(46341, 46341), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("outputSize"));
            // On each side of the limit: 1·n + 1 parameters.
            Assert.That(new LinearMap(ApproximatorLimits.MaxParameterCount - 1, 1).ParameterCount, Is.EqualTo(ApproximatorLimits.MaxParameterCount));
            Assert.That(() => new LinearMap(ApproximatorLimits.MaxParameterCount, 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(new Mlp(1, [ApproximatorLimits.MaxParameterCount / 3], 1).ParameterCount, Is.LessThanOrEqualTo(ApproximatorLimits.MaxParameterCount));
            Assert.That(() => new Mlp(1, [(ApproximatorLimits.MaxParameterCount / 3) + 1], 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void Workspaces_past_the_limit_are_refused_with_an_argument_exception()
    {
        var mlp = new Mlp(4, [64, 64], 2);
        Assert.Multiple(() =>
        {
            Assert.That(() => mlp.CreateWorkspace(int.MaxValue), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("capacity"));
            Assert.That(() => mlp.CreateWorkspace(0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("capacity"));
            // Each row needs 64 + 64 activations and 2·64 gradients (256 doubles), plus one 64×64 packing buffer.
            int largest = (ApproximatorLimits.MaxWorkspaceLength - 4096) / 256;
            Assert.That(() => ApproximatorLimits.CheckWorkspaceLength((256L * largest) + 4096, "capacity"), Throws.Nothing);
            Assert.That(() => ApproximatorLimits.CheckWorkspaceLength((256L * (largest + 1)) + 4096, "capacity"), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => mlp.CreateWorkspace(largest + 1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("capacity"));
            Assert.That(new LinearMap(3, 2).CreateWorkspace(int.MaxValue).Capacity, Is.EqualTo(int.MaxValue), "a linear map saves no activations");
        });
    }
}
