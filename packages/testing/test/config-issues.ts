import { VenConfigError } from '@rxadr/testing';

/** The problems `parse` reports for a configuration, as `path: message` lines (none when it parses). */
export function configIssues(parse: (json: unknown) => unknown): (json: unknown) => string[] {
  return (json) => {
    try {
      parse(json);
    } catch (error) {
      if (error instanceof VenConfigError) return error.issues.map((i) => `${i.path}: ${i.message}`);
      throw error;
    }
    return [];
  };
}
