/** s3rver ships no types: the part of its API the object-store test uses. */
declare module 's3rver' {
  export default class S3rver {
    constructor(o: { port: number; address?: string; directory: string; silent?: boolean });
    run(): Promise<unknown>;
    close(): Promise<void>;
  }
}
