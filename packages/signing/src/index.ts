export const placeholder = 'signing';
