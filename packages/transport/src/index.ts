export const placeholder = 'transport';
