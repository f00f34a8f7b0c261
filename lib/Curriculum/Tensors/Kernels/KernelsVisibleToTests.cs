using System.Runtime.CompilerServices;

// The tests run every micro-kernel this CPU supports (not only the fastest) against the reference product.
[assembly: InternalsVisibleTo("Curriculum.Tests")]
