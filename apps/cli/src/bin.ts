console.error('vqct: not implemented yet');
process.exit(2);
