import { curvePoints, duration, memory, type TrainingState } from "./trainingEvents";

const WIDTH = 480;
const HEIGHT = 140;

export interface TrainingProgressViewProps {
  state: TrainingState;
  totalSteps: number;
  cancelling: boolean;
  onCancel: () => void;
  /** The author asked to stop early: training ends once an epoch is saved, keeping the epochs saved. */
  stopRequested: boolean;
  onStop: () => void;
}

/** Live training: step and epoch, the loss curve, speed, time left and GPU memory, and the buttons that
 * cancel it (keeping nothing) or stop it early (keeping the epochs saved so far). */
export function TrainingProgressView({ state, totalSteps, cancelling, onCancel, stopRequested, onStop }: TrainingProgressViewProps) {
  const running = state.status === "queued" || state.status === "running";
  const training = state.status === "running" && state.phase === "train";
  const trained = Math.min(state.step, totalSteps);
  const latest = state.loss.length ? state.loss[state.loss.length - 1].loss : null;
  const label =
    state.status === "queued"
      ? "Waiting for a worker (panels being drawn go first)"
      : state.phase === "grid"
        ? `Drawing the test grid: ${state.message}`
        : `Step ${trained} of ${totalSteps}${state.epochs ? `, epoch ${state.epoch} of ${state.epochs}` : ""}`;
  return (
    <section className="training-progress" aria-label="Training progress" data-testid="training-progress" data-status={state.status}>
      <div className="row between">
        <span role="status" aria-live="polite" data-testid="training-status">
          {state.status === "succeeded"
            ? state.stoppedEarlyAfter != null
              ? `Training stopped early after epoch ${state.stoppedEarlyAfter}`
              : "Training finished"
            : state.status === "cancelled"
              ? "Training cancelled"
              : label}
        </span>
        <div className="row">
          {training && <StopButton saved={state.savedEpochs} requested={stopRequested} disabled={cancelling} onStop={onStop} />}
          {running && (
            <button type="button" onClick={onCancel} disabled={cancelling} data-testid="cancel-training">
              {cancelling ? "Cancelling…" : "Cancel training"}
            </button>
          )}
        </div>
      </div>
      <progress max={Math.max(1, totalSteps)} value={trained} aria-label="Training steps done" />
      <dl className="training-figures">
        <dt>Loss</dt>
        <dd data-testid="training-loss">{latest != null ? latest.toFixed(4) : "—"}</dd>
        <dt>Speed</dt>
        <dd data-testid="training-speed">{state.stepsPerSecond != null ? `${state.stepsPerSecond.toFixed(2)} it/s` : "—"}</dd>
        <dt>Time left</dt>
        <dd data-testid="training-eta">{duration(state.etaSeconds)}</dd>
        <dt>GPU memory</dt>
        <dd>{memory(state.gpuMemoryBytes)}</dd>
        <dt>Saved epochs</dt>
        <dd>{state.savedEpochs.length ? state.savedEpochs.join(", ") : "none yet"}</dd>
      </dl>
      <svg className="loss-curve" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Loss curve over ${state.loss.length} points`} data-testid="loss-curve">
        <rect x={0} y={0} width={WIDTH} height={HEIGHT} className="loss-frame" />
        {state.loss.length > 0 && <polyline points={curvePoints(state.loss, WIDTH, HEIGHT)} className="loss-line" />}
      </svg>
      {state.error && (
        <p className="error" role="alert">
          {state.error}
        </p>
      )}
    </section>
  );
}

function StopButton({ saved, requested, disabled, onStop }: { saved: number[]; requested: boolean; disabled: boolean; onStop: () => void }) {
  const hint = saved.length
    ? `End training now and keep epoch${saved.length > 1 ? "s" : ""} ${saved.join(", ")}`
    : "Training goes on until the next epoch is saved, then ends and keeps it";
  return (
    <button type="button" onClick={onStop} disabled={disabled || requested} title={hint} data-testid="stop-training">
      {requested ? (saved.length ? "Stopping…" : "Stopping after the next saved epoch…") : "Stop and keep epochs"}
    </button>
  );
}
