// Lambda handlers written as in AWS's WebSocket tutorial: the management client's endpoint comes from the event.
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi'

export const reply = async (event) => {
  const { domainName, stage, connectionId } = event.requestContext
  const client = new ApiGatewayManagementApiClient({ endpoint: `https://${domainName}/${stage}` })
  const { text } = JSON.parse(event.body)
  await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: `you said: ${text}` }))
  return { statusCode: 200 }
}
