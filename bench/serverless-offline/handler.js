// The echo handler, as it would be deployed to AWS Lambda.
exports.connect = async () => ({ statusCode: 200 })
exports.echo = async (event) => ({ statusCode: 200, body: event.body })
