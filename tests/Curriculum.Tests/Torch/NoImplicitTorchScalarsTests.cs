using System.Reflection;
using System.Reflection.Emit;
using Curriculum.Torch;

namespace Curriculum.Tests.Torch;

/// <summary>
/// TorchSharp turns a number passed where libtorch takes a scalar (<c>t.mul(0.5f)</c>, and inside TorchSharp itself,
/// <c>add(t)</c> as <c>add(t, 1)</c>) into a <c>Scalar</c> temporary whose finaliser frees the native scalar. Nothing
/// keeps that temporary alive once its handle is on its way to libtorch, so a collection on another thread can free it
/// while libtorch reads it: libtorch's "Expected false to be true" from Scalar::toFloat, "Could not run 'aten::add_.Tensor'
/// with arguments from the 'TESTING_ONLY_GenericMode' backend", or a crash. So the torch kernels write every scalar
/// explicitly and keep it to the end of the call, and call no TorchSharp overload that makes one. This reads the IL of the
/// compiled kernels, and of the TorchSharp methods they call (and theirs, within TorchSharp), and fails on any path to
/// <c>Scalar.op_Implicit</c>, naming the kernel and the TorchSharp method.
/// </summary>
public class NoImplicitTorchScalarsTests
{
    // Operand types of every IL opcode, from System.Reflection.Emit's table (ECMA-335 III.1.2).
    static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static
        | BindingFlags.DeclaredOnly;

    static IEnumerable<MethodBase> MethodsOf(Assembly assembly) => assembly.GetTypes()
        .SelectMany(t => t.GetMethods(Declared).Cast<MethodBase>().Concat(t.GetConstructors(Declared)));

    /// <summary>The methods <paramref name="method"/>'s IL calls (call, callvirt, newobj, ldftn), resolved in its module.</summary>
    static IEnumerable<MethodBase> Callees(MethodBase method)
    {
        byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
        if (il == null) yield break;
        Type[]? typeArgs = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        Type[]? methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            short code = il[i++];
            if (code == 0xFE) code = (short)(0xFE00 | il[i++]);
            switch (Operands[code])
            {
                case OperandType.InlineMethod:
                    yield return method.Module.ResolveMethod(BitConverter.ToInt32(il, i), typeArgs, methodArgs)!;
                    i += 4;
                    break;
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: i += 1; break;
                case OperandType.InlineVar: i += 2; break;
                case OperandType.InlineI8 or OperandType.InlineR: i += 8; break;
                case OperandType.InlineSwitch: i += 4 + 4 * BitConverter.ToInt32(il, i); break;
                default: i += 4; break;
            }
        }
    }

    static bool IsImplicitScalar(MethodBase m) => m.Name == "op_Implicit" && m.DeclaringType?.FullName == "TorchSharp.Scalar";

    /// <summary>Whether <paramref name="method"/> (in TorchSharp) makes an implicit Scalar, itself or through TorchSharp methods it calls.</summary>
    static bool MakesImplicitScalar(MethodBase method, Dictionary<MethodBase, bool> known)
    {
        if (known.TryGetValue(method, out bool makes)) return makes;
        known[method] = false;                            // a cycle adds nothing
        makes = Callees(method).Any(c => IsImplicitScalar(c) || (c.Module == method.Module && MakesImplicitScalar(c, known)));
        return known[method] = makes;
    }

    /// <summary>"Kernel: callee" for each call in <paramref name="assembly"/> that makes an implicit TorchSharp Scalar.</summary>
    static List<string> ImplicitScalarsIn(Assembly assembly)
    {
        var known = new Dictionary<MethodBase, bool>();
        var found = new List<string>();
        foreach (var method in MethodsOf(assembly))
            foreach (var callee in Callees(method))
                if (IsImplicitScalar(callee))
                    found.Add($"{method.DeclaringType!.Name}.{method.Name}: a number as a Scalar");
                else if (callee.Module.Assembly.GetName().Name == "TorchSharp" && MakesImplicitScalar(callee, known))
                    found.Add($"{method.DeclaringType!.Name}.{method.Name}: TorchSharp's {callee.DeclaringType!.Name}.{callee}");
        return found.Distinct().ToList();
    }

    [Fact]
    public void TheTorchKernelsPassNoImplicitScalarToLibtorch()
    {
        var found = ImplicitScalarsIn(typeof(TorchDevices).Assembly);
        Assert.True(found.Count == 0,
            "The torch devices make TorchSharp Scalar temporaries (write the scalar explicitly and keep it alive to the end of the call; "
            + "call the overload that takes it):\n" + string.Join("\n", found));
    }

    [Fact]
    public void TheScanFindsAnImplicitScalarWhereOneIs()
    {
        // This class makes one directly and one through TorchSharp's add(Tensor) on purpose (below): the scan must see
        // both, or the test above proves nothing.
        var found = ImplicitScalarsIn(typeof(NoImplicitTorchScalarsTests).Assembly);
        Assert.Contains($"{nameof(NoImplicitTorchScalarsTests)}.{nameof(ImplicitScalarOnPurpose)}: a number as a Scalar", found);
        Assert.Contains(found, f => f.StartsWith($"{nameof(NoImplicitTorchScalarsTests)}.{nameof(AddWithoutAlphaOnPurpose)}: TorchSharp's Tensor."));
    }

    static TorchSharp.Scalar ImplicitScalarOnPurpose() => 0.5f;

    static TorchSharp.torch.Tensor AddWithoutAlphaOnPurpose(TorchSharp.torch.Tensor a, TorchSharp.torch.Tensor b) => a.add(b);
}
