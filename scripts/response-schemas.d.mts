// Types of scripts/response-schemas.mjs, for its test.
export declare function withoutProse<T>(schema: T): T;
export declare function specWithoutProse<T>(doc: T): T;
export declare function responseSchemas(
  doc: object,
  comment: string,
): {
  $comment: string;
  paths: Record<string, Record<string, Record<string, object>>>;
  components: { schemas: Record<string, object> };
};
