/** Where a VEN stands, as `ven.status$` emits it. */
export type VenStatus =
  | { readonly state: 'idle' }
  | { readonly state: 'registering'; readonly attempt: number }
  | { readonly state: 'registered'; readonly venID: string; readonly registrationID: string; readonly vtnID: string; readonly pollFrequencyMs: number }
  | { readonly state: 'polling'; readonly venID: string; readonly registrationID: string; readonly vtnID: string; readonly pollFrequencyMs: number }
  | {
      readonly state: 'backoff';
      /** What is being retried: the registration, or the poll loop after a failed poll. */
      readonly phase: 'registration' | 'poll';
      readonly attempt: number;
      readonly delayMs: number;
      readonly cause: Error;
    }
  | { readonly state: 'cancelled'; readonly by: 'vtn' | 'ven' }
  | { readonly state: 'stopped' };

/** The `state` names of {@link VenStatus}. */
export type VenStatusName = VenStatus['state'];
