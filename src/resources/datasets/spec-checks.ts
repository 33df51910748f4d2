// Compile-time checks only (nothing here runs or is exported): the hand-written dataset types
// must stay in step with the types generated from Cohere's spec.
import type { components, operations } from "../../generated/datasets-openapi.js";
import type { CreateDatasetRequest, Dataset, DatasetType, ListDatasetsRequest } from "./types.js";
import type { DatasetValidationStatus } from "./validation-status.js";

// Keep the hand-written types in step with the generated ones: a spec change that renames a
// query parameter, or a field the SDK's Dataset does not describe, fails the type check here.
type GeneratedListQuery = NonNullable<operations["list-datasets"]["parameters"]["query"]>;
const listQueryMatchesSpec: Record<keyof GeneratedListQuery, true> = {
  datasetType: true,
  before: true,
  after: true,
  limit: true,
  offset: true,
  validationStatus: true,
} satisfies Record<keyof ListDatasetsRequest, true>;
type GeneratedCreateQuery = operations["create-dataset"]["parameters"]["query"];
const createQueryMatchesSpec: Record<keyof GeneratedCreateQuery, true> = {
  name: true,
  type: true,
  keep_original_file: true,
  skip_malformed_input: true,
  keep_fields: true,
  optional_fields: true,
  text_separator: true,
  csv_delimiter: true,
} satisfies Record<Exclude<keyof CreateDatasetRequest, "data" | "eval_data" | "filename">, true>;
const generatedDatasetFits: Dataset = {} as components["schemas"]["Dataset"];
const generatedStatusFits: DatasetValidationStatus = "" as components["schemas"]["DatasetValidationStatus"];
const generatedTypeFits: DatasetType = "" as components["schemas"]["DatasetType"];
void listQueryMatchesSpec;
void createQueryMatchesSpec;
void generatedDatasetFits;
void generatedStatusFits;
void generatedTypeFits;
