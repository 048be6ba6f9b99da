/**
 * One training loop for every model:
 *
 *     every evalInterval steps: estimate train/val loss, keep the best, save
 *     each step: batch → loss and gradients → clip → AdamW at the scheduled lr
 *     stop at maxIters, at the time budget, when patience runs out, or on Ctrl-C
 *
 * Batches are random windows for attention models and sequential streams for
 * recurrent ones (whose hidden state is carried from window to window). All
 * randomness comes from two seeded RNGs saved with the run, so a resumed run
 * continues exactly where it stopped.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { InputError } from "../errors.ts";
import { Rng } from "../rng.ts";
import { sampleWindows, SequentialStreams } from "../data/batching.ts";
import type { LanguageModel, RecurrentState } from "../models/types.ts";
import { AdamW } from "./adamw.ts";
import { clipByGlobalNorm } from "./clip.ts";
import { estimateLoss } from "./evaluate.ts";
import { learningRate, learningRateByTime } from "./schedule.ts";
import type { TrainConfig } from "./config.ts";
import { CHECKPOINT_FORMAT, type HistoryRow, type TrainerState } from "../io/checkpoint.ts";
import type { StoredTensor } from "../io/safetensors.ts";

/** Token ids of the two splits. */
export interface TrainData {
  /** Training ids. */
  readonly train: Int32Array;
  /** Validation ids. */
  readonly val: Int32Array;
}

/** Reported after every optimizer step. */
export interface StepEvent {
  /** Steps done (1 after the first). */
  readonly step: number;
  /** This step's training loss (mean over its micro-batches). */
  readonly loss: number;
  /** Learning rate used. */
  readonly lr: number;
  /** Training tokens per second over the run so far. */
  readonly tokensPerSecond: number;
  /** Training seconds so far. */
  readonly seconds: number;
}

/** Reported after every evaluation. */
export interface EvalEvent {
  /** Steps done when evaluated. */
  readonly step: number;
  /** Estimated training loss. */
  readonly trainLoss: number;
  /** Estimated validation loss. */
  readonly valLoss: number;
  /** Best validation loss so far (this one included). */
  readonly bestValLoss: number;
  /** Whether this evaluation set a new best. */
  readonly improved: boolean;
}

/** What a save hook receives. */
export interface Snapshot {
  /** Trainer state to write as `trainer_state.json`. */
  readonly state: TrainerState;
  /** Optimizer state for `optimizer.safetensors`. */
  readonly optimizer: Record<string, StoredTensor>;
}

/** Callbacks and controls. */
export interface TrainHooks {
  /** After each step. */
  onStep?(event: StepEvent): void;
  /** After each evaluation. */
  onEval?(event: EvalEvent): void;
  /** Saves a checkpoint: `best` on a new best, `last` at each evaluation and at the end. */
  save?(kind: "best" | "last", snapshot: Snapshot): void | Promise<void>;
  /** Aborting finishes the current step, evaluates, saves `last` (and `best` if better), returns. */
  signal?: AbortSignal;
  /** Clock in milliseconds that times the steps (default `performance.now`); tests pass a fake. */
  now?: () => number;
  /** Settings recorded in the trainer state (model, preset, data …). */
  settings?: Record<string, unknown>;
  /** Engine description recorded in the trainer state. */
  engine?: Record<string, unknown>;
}

/** Why training stopped and where it ended. */
export interface TrainResult {
  /** `max-iters`, `time-budget`, `patience` or `signal`. */
  readonly stoppedBy: "max-iters" | "time-budget" | "patience" | "signal";
  /** The final trainer state (as saved in `last/`). */
  readonly state: TrainerState;
  /** Final evaluation (absent when interrupted before any). */
  readonly final?: { trainLoss: number; valLoss: number };
  /** Training tokens per second over the whole run. */
  readonly tokensPerSecond: number;
}

/** The loss became NaN or infinite: training stops and keeps the last good checkpoint. */
export class DivergedError extends InputError {}

/**
 * Trains `model` in place. Pass `resume` (state and optimizer from `last/`)
 * to continue a run; the caller has already loaded the weights.
 */
export async function train(
  model: LanguageModel,
  data: TrainData,
  config: TrainConfig,
  hooks: TrainHooks = {},
  resume?: { state: TrainerState; optimizer?: Record<string, StoredTensor> },
): Promise<TrainResult> {
  const blockSize = model.config.blockSize;
  const shape = { batchSize: config.batchSize, blockSize };
  const params = model.params().list();
  const nameOf = new Map(params.map((p) => [p.variable.name, p.name]));
  const variables = params.map((p) => p.variable);
  const optimizer = new AdamW(params, {
    lr: config.lr,
    beta1: config.beta1,
    beta2: config.beta2,
    weightDecay: config.weightDecay,
  });
  if (resume?.optimizer) optimizer.loadState(resume.optimizer);

  const rng = new Rng(config.seed);
  const evalRng = new Rng(config.seed + 1);
  if (resume) {
    rng.state = resume.state.rng;
    evalRng.state = resume.state.evalRng;
  }
  const streams = model.recurrent ? new SequentialStreams(data.train, shape, rng) : undefined;
  if (streams && resume?.state.stream) streams.state = resume.state.stream;
  let carry: RecurrentState | undefined = resume?.state.carry?.map((c) =>
    tf.tensor(c.data, c.shape)
  );

  let step = resume?.state.step ?? 0;
  let trainSeconds = resume?.state.trainSeconds ?? 0;
  let bestValLoss = resume?.state.bestValLoss ?? null;
  let lastEvalStep = resume?.state.lastEvalStep ?? -1;
  let evalsWithoutImprovement = resume?.state.evalsWithoutImprovement ?? 0;
  const history: HistoryRow[] = [...(resume?.state.history ?? [])];
  let lastEvalSeconds = history.findLast((r) => r.val_loss !== undefined)?.seconds ?? 0;
  const tokensPerStep = config.batchSize * blockSize * config.gradAccum;
  const startStep = step;
  const startSeconds = trainSeconds;
  let final: { trainLoss: number; valLoss: number } | undefined;

  const stateNow = (): TrainerState => ({
    format: CHECKPOINT_FORMAT,
    step,
    rng: rng.state,
    evalRng: evalRng.state,
    stream: streams?.state,
    carry: carry?.map((t) => ({ shape: t.shape, data: Array.from(t.dataSync()) })),
    bestValLoss,
    lastEvalStep,
    evalsWithoutImprovement,
    trainSeconds,
    history,
    settings: hooks.settings ?? {},
    engine: hooks.engine ?? {},
  });
  const snapshot = (): Snapshot => ({ state: stateNow(), optimizer: optimizer.state() });

  const evaluate = async () => {
    const opts = { ...shape, iters: config.evalIters, rng: evalRng };
    const trainLoss = estimateLoss(model, data.train, opts);
    const valLoss = estimateLoss(model, data.val, opts);
    const improved = bestValLoss === null || valLoss < bestValLoss;
    if (improved) bestValLoss = valLoss;
    evalsWithoutImprovement = improved ? 0 : evalsWithoutImprovement + 1;
    lastEvalStep = step;
    lastEvalSeconds = trainSeconds;
    final = { trainLoss, valLoss };
    history.push({ step, seconds: trainSeconds, train_loss: trainLoss, val_loss: valLoss });
    hooks.onEval?.({ step, trainLoss, valLoss, bestValLoss: bestValLoss!, improved });
    if (!Number.isFinite(valLoss)) throw diverged(step, "validation loss");
    if (improved) await hooks.save?.("best", snapshot());
    await hooks.save?.("last", snapshot());
  };

  /**
   * The evaluation of an interrupted run: it may set a new best (and save best/), but it draws
   * its batches from a copy of the evaluation RNG and adds nothing to the history, so that a
   * resumed run continues exactly as an uninterrupted one would.
   */
  const evaluateOffTheBooks = async () => {
    const peek = new Rng(0);
    peek.state = evalRng.state;
    const opts = { ...shape, iters: config.evalIters, rng: peek };
    const trainLoss = estimateLoss(model, data.train, opts);
    const valLoss = estimateLoss(model, data.val, opts);
    const improved = Number.isFinite(valLoss) && (bestValLoss === null || valLoss < bestValLoss);
    if (improved) bestValLoss = valLoss;
    final = { trainLoss, valLoss };
    hooks.onEval?.({ step, trainLoss, valLoss, bestValLoss: bestValLoss ?? valLoss, improved });
    if (improved) await hooks.save?.("best", snapshot());
  };

  const schedule = { ...config, decayIters: config.lrDecayIters };
  let warmupEndSeconds: number | undefined;
  const lrAt = (s: number): number => {
    if (!config.scheduleByTime || config.timeBudget <= 0) return learningRate(schedule, s);
    // seconds at the end of warmup: the history row of step warmupIters (0 without warmup)
    if (warmupEndSeconds === undefined && s >= config.warmupIters) {
      warmupEndSeconds = config.warmupIters === 0
        ? 0
        : history.find((r) => r.step === config.warmupIters && r.loss !== undefined)?.seconds ??
          trainSeconds;
    }
    return learningRateByTime(schedule, {
      it: s,
      seconds: trainSeconds,
      warmupEndSeconds: warmupEndSeconds ?? trainSeconds,
      budget: config.timeBudget,
    });
  };

  /** One optimizer step over `gradAccum` micro-batches; returns the mean loss. */
  function trainStep(lr: number): number {
    let lossSum = 0;
    let summed: tf.Tensor[] | undefined;
    for (let micro = 0; micro < config.gradAccum; micro++) {
      const batch = streams
        ? streams.next()
        : { ...sampleWindows(data.train, shape, rng), reset: false };
      if (batch.reset && carry) {
        tf.dispose(carry);
        carry = undefined;
      }
      let nextCarry: RecurrentState | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const out = model.loss(batch.x, batch.y, {
          training: true,
          state: carry,
          returnState: model.recurrent,
        });
        if (out.state) nextCarry = out.state.map((t) => tf.keep(t));
        return out.loss;
      }, variables);
      tf.dispose([batch.x, batch.y]);
      if (carry) tf.dispose(carry);
      carry = nextCarry;
      const loss = value.dataSync()[0];
      value.dispose();
      if (!Number.isFinite(loss)) {
        tf.dispose(Object.values(grads));
        if (summed) tf.dispose(summed);
        throw diverged(step, "training loss");
      }
      lossSum += loss;
      const list = variables.map((v) => grads[v.name]);
      if (!summed) summed = list;
      else {
        const next = summed.map((g, i) => tf.add(g, list[i]));
        tf.dispose([...summed, ...list]);
        summed = next;
      }
    }
    const scale = 1 / config.gradAccum;
    const named = new Map<string, tf.Tensor>();
    for (const [i, g] of summed!.entries()) {
      named.set(nameOf.get(variables[i].name)!, scale === 1 ? g : tf.mul(g, scale));
    }
    if (scale !== 1) tf.dispose(summed!);
    if (config.gradClip > 0) {
      const { clipped, norm } = clipByGlobalNorm(named, config.gradClip);
      optimizer.step(clipped, lr);
      tf.dispose([...clipped.values(), norm]);
    } else {
      optimizer.step(named, lr);
    }
    tf.dispose([...named.values()]);
    return lossSum / config.gradAccum;
  }

  const now = hooks.now ?? (() => performance.now());
  let stoppedBy: TrainResult["stoppedBy"] = "max-iters";
  let finalState: TrainerState;
  try {
    while (true) {
      const due = step % config.evalInterval === 0 ||
        (config.evalSeconds > 0 && trainSeconds - lastEvalSeconds >= config.evalSeconds);
      if (due && lastEvalStep !== step) await evaluate();
      if (step >= config.maxIters) break;
      if (config.patience > 0 && evalsWithoutImprovement >= config.patience) {
        stoppedBy = "patience";
        break;
      }
      if (config.timeBudget > 0 && trainSeconds >= config.timeBudget) {
        stoppedBy = "time-budget";
        break;
      }
      if (hooks.signal?.aborted) {
        stoppedBy = "signal";
        break;
      }
      const t0 = now();
      const lr = lrAt(step);
      const loss = trainStep(lr);
      trainSeconds += (now() - t0) / 1000;
      step += 1;
      history.push({ step, seconds: trainSeconds, loss, lr });
      const seconds = trainSeconds - startSeconds;
      hooks.onStep?.({
        step,
        loss,
        lr,
        seconds: trainSeconds,
        tokensPerSecond: seconds > 0 ? (step - startStep) * tokensPerStep / seconds : 0,
      });
      await new Promise((r) => setTimeout(r, 0)); // let Ctrl-C and timers run
    }
    if (stoppedBy !== "signal") {
      if (lastEvalStep !== step) await evaluate();
    } else {
      // Ctrl-C: evaluate the final weights too, so best/ holds the best state evaluated, never
      // the untrained step-0 weights of a run stopped before its second evaluation
      if (lastEvalStep !== step) await evaluateOffTheBooks();
      await hooks.save?.("last", snapshot());
    }
    finalState = stateNow();
  } finally {
    optimizer.dispose();
    if (carry) tf.dispose(carry);
  }
  const seconds = trainSeconds - startSeconds;
  return {
    stoppedBy,
    state: finalState,
    final,
    tokensPerSecond: seconds > 0 ? (step - startStep) * tokensPerStep / seconds : 0,
  };
}

function diverged(step: number, what: string): DivergedError {
  return new DivergedError(
    `${what} became NaN or infinite at step ${step}; the last good checkpoint is kept in last/: ` +
      `try a lower --lr, --set gradClip=1, or a smaller model`,
  );
}
