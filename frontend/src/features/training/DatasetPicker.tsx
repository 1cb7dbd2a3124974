import type { components } from "../../api/schema";
import { Select } from "../../components/ui";

type Dataset = components["schemas"]["DatasetOut"];
export type DatasetChoice = number | "new";

/** A dataset as the picker lists it: its trigger, class and what it holds. */
export function datasetLabel(dataset: Dataset): string {
  const reg = dataset.regularisation_count ? `, ${dataset.regularisation_count} regularisation` : "";
  return `${dataset.trigger} (${dataset.class_word}): ${dataset.photo_count} photos${reg}`;
}

/** Which of the character's datasets to work on, or a new one. */
export function DatasetPicker({ datasets, value, onChange }: { datasets: Dataset[]; value: DatasetChoice; onChange: (choice: DatasetChoice) => void }) {
  const options = [...datasets.map((d) => ({ value: String(d.id), label: datasetLabel(d) })), { value: "new", label: "Start a new dataset" }];
  return (
    <div className="dataset-picker row">
      <span>Dataset</span>
      <Select
        label="Dataset"
        value={String(value)}
        onChange={(choice) => onChange(choice === "new" ? "new" : Number(choice))}
        options={options}
        testId="dataset-picker"
      />
    </div>
  );
}
