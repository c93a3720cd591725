/**
 * Whether a `Content-Type` names XML: `application/xml` (OPENADR.md §1.4), `text/xml` or any
 * `+xml` type, parameters such as `charset` ignored.
 */
export function isXmlContentType(value: string | string[] | undefined): boolean {
  const first = Array.isArray(value) ? value[0] : value;
  const mime = (first ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return mime === 'application/xml' || mime === 'text/xml' || mime.endsWith('+xml');
}
