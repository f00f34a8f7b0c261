using Curriculum.Tensors;

namespace Curriculum.Training;

/// <summary>One named loss of an objective and its weight in the total: total = Σ weight·loss (BERT: MLM + NSP, each weight 1).</summary>
public readonly record struct TaskLoss(string Task, Tensor Loss, double Weight = 1.0);

/// <summary>A training objective: a micro-batch in, its named losses out (computed in one forward pass).</summary>
public delegate IReadOnlyList<TaskLoss> Objective<TBatch>(TBatch batch);

/// <summary>Ways to build an <see cref="Objective{TBatch}"/>.</summary>
public static class Objective
{
    /// <summary>An objective with one loss, e.g. <c>Objective.Single&lt;LmBatch&gt;(b =&gt; model.Loss(b.Inputs, b.Targets))</c>.</summary>
    public static Objective<TBatch> Single<TBatch>(Func<TBatch, Tensor> loss, string task = "lm") =>
        batch => [new TaskLoss(task, loss(batch))];
}
