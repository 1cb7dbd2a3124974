import { useEffect, useId, useRef } from "react";
import { RadioGroup, Switch } from "radix-ui";
import { Zap } from "lucide-react";
import type { ComicPatch } from "../../api/client";
import { useFastProfiles, useModels } from "../../api/queries";
import { Field } from "../../components/ui";
import { ModelPicker } from "../models/ModelPicker";
import { DEFAULT_PROFILE, FAST_SETTINGS_ID, draftLora, isInstalled } from "./fast";

type Generation = NonNullable<ComicPatch["generation"]>;

/**
 * The comic's fast drafts: on or off, the profile they are drawn with (a distilled LoRA or checkpoint,
 * 1–8 steps) and the author's own file for the profile's LoRA. Changes go to ``onChange`` (autosaved).
 */
export function FastDraftsSettings({
  generation,
  onChange,
  errorFor,
  family,
}: {
  generation: Generation;
  onChange: (next: Partial<Generation>) => void;
  errorFor: (field: string) => string | undefined;
  family?: string;
}) {
  const profiles = useFastProfiles();
  const models = useModels();
  const switchId = useId();
  const chosen = generation.fast_profile ?? DEFAULT_PROFILE;
  const profile = profiles.data?.find((p) => p.name === chosen);
  const lora = draftLora(profile, generation.fast_lora ?? null);
  const section = useRef<HTMLElement>(null);
  // Opened from a panel's "choose another profile" link: show these settings, not the top of the page.
  useEffect(() => {
    if (window.location.hash === `#${FAST_SETTINGS_ID}`) section.current?.scrollIntoView({ block: "start" });
  }, []);

  return (
    <section ref={section} className="card fast-drafts" id={FAST_SETTINGS_ID} aria-labelledby={`${switchId}-title`}>
      <div className="row between">
        <h3 id={`${switchId}-title`}>
          <Zap size={16} aria-hidden /> Fast drafts
        </h3>
        <div className="row">
          <label htmlFor={switchId}>Fast drafts</label>
          <Switch.Root
            id={switchId}
            className="switch"
            checked={Boolean(generation.fast)}
            onCheckedChange={(fast) => onChange({ fast })}
            data-testid="comic-fast"
          >
            <Switch.Thumb className="switch-thumb" />
          </Switch.Root>
        </div>
      </div>
      <p className="muted">
        Drafts draw a panel in a few steps with a distilled model, to try ideas quickly; turn this off (or choose “Final” when
        generating) to draw the finals with the steps and sampler above. A panel can say otherwise.
      </p>
      {profiles.isError && <p className="error">The fast profiles could not be loaded.</p>}
      <RadioGroup.Root
        className="preset-list fast-profiles"
        aria-label="Fast profile"
        value={chosen}
        onValueChange={(fast_profile) => onChange({ fast_profile })}
      >
        {profiles.data?.map((p) => (
          <RadioGroup.Item key={p.name} value={p.name} className={p.name === chosen ? "active" : ""} data-testid={`fast-profile-${p.name}`}>
            <strong>{p.title}</strong>
            <small>
              {p.steps} steps · cfg {p.cfg} · {p.sampler}
            </small>
            <small>{p.source}</small>
          </RadioGroup.Item>
        ))}
      </RadioGroup.Root>
      {errorFor("generation.fast_profile") && (
        <p className="error" role="alert">
          {errorFor("generation.fast_profile")}
        </p>
      )}
      {profile?.checkpoint ? (
        <p className="muted">Drafts are drawn with the {profile.checkpoint} checkpoint instead of the comic’s.</p>
      ) : (
        profile?.lora && (
          <Field
            label="Own LoRA file for this profile"
            error={errorFor("generation.fast_lora")}
            hint={`Empty: ${profile.lora}, from ${profile.source}, in the loras model folder.`}
          >
            {(p) => (
              <ModelPicker
                id={p.id}
                label="Own LoRA file for this profile"
                kind="lora"
                family={family}
                value={generation.fast_lora}
                placeholder={profile.lora ?? undefined}
                invalid={p["aria-invalid"]}
                describedBy={p["aria-describedby"]}
                onChange={(fast_lora) => onChange({ fast_lora })}
              />
            )}
          </Field>
        )
      )}
      {lora && models.isSuccess && (
        <p className={isInstalled(models.data, lora) ? "muted" : "warning"} data-testid="fast-lora-status">
          {isInstalled(models.data, lora)
            ? `${lora} is installed.`
            : `${lora} is not in the model library: download it (${profile?.source}) into the loras model folder, or pick your own file.`}
        </p>
      )}
    </section>
  );
}
