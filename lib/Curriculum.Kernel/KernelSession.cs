using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace Curriculum.Kernel;

/// <summary>
/// One .NET Interactive C# kernel, hosted in this process the way VS Code Polyglot Notebooks,
/// Jupyter's .NET kernel and dotnet-repl host it: <c>#r "nuget: ..."</c>, <c>display(x)</c>, the
/// <c>#!who</c> and <c>#!set</c>/<c>#!share</c> magics, and the kernel's own formatters (which find
/// the library's through <c>Curriculum.Notebooks.TypeFormatterSourceAttribute</c>). The kernel
/// resolves <c>#r "relative.dll"</c> against the process's working folder, so a notebook's runner
/// sets that to the notebook's folder first.
/// </summary>
public sealed class KernelSession : IDisposable
{
    readonly CompositeKernel kernel;

    public KernelSession()
    {
        var csharp = new CSharpKernel()
            .UseNugetDirective((k, references) =>
            {
                k.AddAssemblyReferences(references.SelectMany(r => r.AssemblyPaths));
                return Task.CompletedTask;
            })
            .UseKernelHelpers()
            .UseValueSharing()
            .UseWho();
        kernel = new CompositeKernel { csharp };
        kernel.DefaultKernelName = csharp.Name;
    }

    /// <summary>Every event the kernel publishes, as it happens (console output streams while a cell runs).</summary>
    public IObservable<KernelEvent> Events => kernel.KernelEvents;

    /// <summary>Runs one cell's code in the C# kernel; the result's events end with CommandSucceeded or CommandFailed.</summary>
    public Task<KernelCommandResult> SubmitAsync(string code) => kernel.SendAsync(new SubmitCode(code, "csharp"));

    public void Dispose() => kernel.Dispose();
}
