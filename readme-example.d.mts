export function runReadmeExample(readme: URL | string, bindings: Record<string, unknown>, epilogue?: string): Promise<unknown>;
